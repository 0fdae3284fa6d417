import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { API, server } from "@/testing/server";
import type { ProjectSettings } from "../types";
import { ProjectOptionsSection } from "./project-options-section";
import { renderSignedIn } from "@/testing/render";

const LOCAL: ProjectSettings = {
  id: 1,
  name: "Shop",
  slug: "shop",
  repo_path: "/srv/shop",
  default_branch: "main",
  has_forge_token: false,
  forge: "local",
  github_repo: null,
  trigger_label: "mcc",
  test_command: null,
  require_spec_approval: false,
  ignore_ci: false,
  archived: false,
  created_at: "2026-12-01T10:00:00Z",
};

const GITHUB: ProjectSettings = {
  ...LOCAL,
  id: 2,
  name: "Site",
  slug: "site",
  repo_path: "github:octo/site",
  forge: "github",
  github_repo: "octo/site",
};

let sent: { id: string; body: unknown }[];

beforeEach(() => {
  sent = [];
  server.use(
    http.patch(`${API}/api/projects/:id`, async ({ params, request }) => {
      const body = (await request.json()) as Partial<ProjectSettings>;
      sent.push({ id: String(params.id), body });
      const base = [LOCAL, GITHUB].find((p) => String(p.id) === params.id)!;
      return HttpResponse.json({ ...base, ...body });
    }),
  );
});

describe("the project options", () => {
  it("shows the GitHub-only options only for a GitHub project", () => {
    renderSignedIn(<ProjectOptionsSection projects={[LOCAL, GITHUB]} onSaved={() => {}} />);
    expect(screen.getByRole("textbox", { name: "Test command" })).toBeTruthy();
    expect(screen.getByRole("checkbox", { name: "Wait for my approval of the spec" })).toBeTruthy();
    expect(screen.queryByRole("textbox", { name: "Trigger label" })).toBeNull();
    expect(screen.queryByRole("checkbox", { name: "Ignore the repository's CI" })).toBeNull();

    fireEvent.change(screen.getByRole("combobox", { name: "Project" }), { target: { value: "2" } });
    expect((screen.getByRole("textbox", { name: "Trigger label" }) as HTMLInputElement).value).toBe("mcc");
    expect(screen.getByRole("checkbox", { name: "Ignore the repository's CI" })).toBeTruthy();
  });

  it("says what is wrong with a trigger label in a sentence, without asking the server", async () => {
    renderSignedIn(<ProjectOptionsSection projects={[GITHUB]} onSaved={() => {}} />);
    const label = screen.getByRole("textbox", { name: "Trigger label" });
    const save = screen.getByRole("button", { name: "Save project options" });

    for (const [value, sentence] of [
      ["", "The trigger label cannot be empty."],
      [" mcc", "The trigger label cannot start or end with a space."],
      ["x".repeat(51), "The trigger label can be at most 50 characters long."],
    ]) {
      fireEvent.change(label, { target: { value } });
      fireEvent.click(save);
      await waitFor(() => expect(screen.getByRole("alert").textContent).toBe(sentence));
      expect(label.getAttribute("aria-invalid")).toBe("true");
      expect(label.getAttribute("aria-describedby")).toContain(screen.getByRole("alert").id);
    }
    expect(sent).toEqual([]);
  });

  it("sends only what changed, says Saved, and hands the saved project to the app", async () => {
    const onSaved = vi.fn();
    renderSignedIn(<ProjectOptionsSection projects={[LOCAL, GITHUB]} onSaved={onSaved} />);
    fireEvent.change(screen.getByRole("combobox", { name: "Project" }), { target: { value: "2" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Test command" }), { target: { value: "  make check " } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Ignore the repository's CI" }));
    fireEvent.click(screen.getByRole("button", { name: "Save project options" }));

    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Saved."));
    expect(sent).toEqual([{ id: "2", body: { test_command: "make check", ignore_ci: true } }]);
    await waitFor(() =>
      expect((screen.getByRole("textbox", { name: "Test command" }) as HTMLInputElement).value).toBe("make check"),
    );
    expect(onSaved).toHaveBeenCalledWith(
      expect.objectContaining({ id: 2, test_command: "make check", ignore_ci: true }),
    );
  });

  it("clears the test command back to detection with an empty string, and shows the server's refusal", async () => {
    server.use(
      http.patch(`${API}/api/projects/:id`, async ({ request }) => {
        sent.push({ id: "1", body: await request.json() });
        return HttpResponse.json(
          { error: { code: "not_found", message: "Project 1 does not exist." } },
          { status: 404 },
        );
      }),
    );
    renderSignedIn(<ProjectOptionsSection projects={[{ ...LOCAL, test_command: "pytest -q" }]} onSaved={() => {}} />);
    fireEvent.change(screen.getByRole("textbox", { name: "Test command" }), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save project options" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Project 1 does not exist.");
    expect(sent).toEqual([{ id: "1", body: { test_command: "" } }]);
    expect(screen.getByRole("status").textContent).toBe("");
  });
});
