import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import type { RuleFile, RuleFileName, RuleFiles } from "../types";
import { RulesEditor } from "./rules-editor";

const SHA_1 = "1".repeat(40);
const SHA_2 = "2".repeat(40);
const SHA_3 = "3".repeat(40);

const file = (name: RuleFileName, content: string | null, sha: string | null): RuleFile => ({
  name,
  path: `.mcc/${name}`,
  role: name === "AGENTS.md" ? null : (name.replace(".md", "") as RuleFile["role"]),
  content,
  sha,
  template: `# Template of ${name}\n`,
});

const rulesWith = (agents: RuleFile, editable = true): RuleFiles => ({
  branch: "main",
  commit: "c".repeat(40),
  editable,
  read_only_reason: editable ? null : "This project's repository is on GitHub: change the rule files there.",
  max_chars: 20_000,
  files: [agents, file("coder.md", null, null)],
});

let sent: unknown[];

beforeEach(() => {
  sent = [];
});

function show() {
  renderSignedIn(<RulesEditor projectId={4} />);
}

describe("the rules editor", () => {
  it("saves the file with the version it started from", async () => {
    server.use(
      http.get(`${API}/api/projects/4/rules`, () =>
        HttpResponse.json(rulesWith(file("AGENTS.md", "Be brief.\n", SHA_1))),
      ),
      http.put(`${API}/api/projects/4/rules/AGENTS.md`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json({
          file: file("AGENTS.md", "Be brief. Tests first.\n", SHA_2),
          commit: "d".repeat(40),
        });
      }),
    );
    show();
    const text = await screen.findByLabelText(".mcc/AGENTS.md");
    expect((text as HTMLTextAreaElement).value).toBe("Be brief.\n");
    fireEvent.change(text, { target: { value: "Be brief. Tests first.\n" } });
    fireEvent.click(screen.getByRole("button", { name: "Save to main" }));
    expect(await screen.findByText("Committed to main: the next task reads it.")).toBeTruthy();
    expect(sent).toEqual([{ content: "Be brief. Tests first.\n", base_sha: SHA_1 }]);
  });

  it("adds a missing file from its template, as a file that did not exist", async () => {
    server.use(
      http.get(`${API}/api/projects/4/rules`, () =>
        HttpResponse.json(rulesWith(file("AGENTS.md", "Be brief.\n", SHA_1))),
      ),
      http.put(`${API}/api/projects/4/rules/coder.md`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json({ file: file("coder.md", "# Template of coder.md\n", SHA_2), commit: "d".repeat(40) });
      }),
    );
    show();
    fireEvent.click(await screen.findByRole("tab", { name: /coder\.md/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Save to main" }));
    expect(await screen.findByText("Committed to main: the next task reads it.")).toBeTruthy();
    expect(sent).toEqual([{ content: "# Template of coder.md\n", base_sha: null }]);
  });

  it("refuses a stale edit in a sentence and loads the current version on request", async () => {
    let current = file("AGENTS.md", "Be brief.\n", SHA_1);
    const stale =
      ".mcc/AGENTS.md changed on main since you opened it (another tab or a merge): reload it, then apply your edit again.";
    server.use(
      http.get(`${API}/api/projects/4/rules`, () => HttpResponse.json(rulesWith(current))),
      http.put(`${API}/api/projects/4/rules/AGENTS.md`, async ({ request }) => {
        const body = (await request.json()) as { base_sha: string };
        sent.push(body);
        if (body.base_sha !== current.sha)
          return HttpResponse.json({ error: { code: "conflict", message: stale } }, { status: 409 });
        return HttpResponse.json({ file: file("AGENTS.md", "Mine.\n", SHA_3), commit: "e".repeat(40) });
      }),
    );
    show();
    const text = await screen.findByLabelText(".mcc/AGENTS.md");
    current = file("AGENTS.md", "Another tab's rules.\n", SHA_2); // saved elsewhere meanwhile
    fireEvent.change(text, { target: { value: "Mine.\n" } });
    fireEvent.click(screen.getByRole("button", { name: "Save to main" }));
    expect((await screen.findByRole("alert")).textContent).toBe(stale);

    fireEvent.click(screen.getByRole("button", { name: "Load the current version (replaces your text)" }));
    await waitFor(() =>
      expect((screen.getByLabelText(".mcc/AGENTS.md") as HTMLTextAreaElement).value).toBe("Another tab's rules.\n"),
    );
    fireEvent.change(screen.getByLabelText(".mcc/AGENTS.md"), { target: { value: "Mine.\n" } });
    fireEvent.click(screen.getByRole("button", { name: "Save to main" }));
    expect(await screen.findByText("Committed to main: the next task reads it.")).toBeTruthy();
    expect(sent.map((body) => (body as { base_sha: string }).base_sha)).toEqual([SHA_1, SHA_2]);
  });

  it("says in a sentence when a file is too long for an agent to read, without asking the server", async () => {
    server.use(
      http.get(`${API}/api/projects/4/rules`, () => HttpResponse.json(rulesWith(file("AGENTS.md", "", SHA_1)))),
    );
    show();
    fireEvent.change(await screen.findByLabelText(".mcc/AGENTS.md"), { target: { value: "x".repeat(20_001) } });
    fireEvent.click(screen.getByRole("button", { name: "Save to main" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "A rule file can be at most 20,000 characters: agents would not read the rest.",
    );
    expect(sent).toEqual([]);
  });

  it("shows a file MCC cannot commit read only, with the reason", async () => {
    server.use(
      http.get(`${API}/api/projects/4/rules`, () =>
        HttpResponse.json(rulesWith(file("AGENTS.md", "Be brief.\n", SHA_1), false)),
      ),
    );
    show();
    expect(
      await screen.findByText("This project's repository is on GitHub: change the rule files there."),
    ).toBeTruthy();
    expect((screen.getByLabelText(".mcc/AGENTS.md") as HTMLTextAreaElement).readOnly).toBe(true);
    expect(screen.queryByRole("button", { name: "Save to main" })).toBeNull();
    fireEvent.click(screen.getByRole("tab", { name: /coder\.md/ }));
    expect(await screen.findByText(/Not in the repository yet/)).toBeTruthy();
    expect((screen.getByLabelText(".mcc/coder.md") as HTMLTextAreaElement).value).toBe("# Template of coder.md\n");
  });
});
