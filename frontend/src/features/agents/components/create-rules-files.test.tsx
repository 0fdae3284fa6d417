import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import type { RulesFilesProposed } from "../types";
import { CreateRulesFiles } from "./create-rules-files";

function show() {
  renderSignedIn(<CreateRulesFiles projectId={4} defaultBranch="main" />);
  return screen.getByRole("button", { name: "Create rules files" });
}

describe("the create rules files button", () => {
  it("says the files go on a branch for review, is disabled while running, then names the branch", async () => {
    let answer: (() => void) | undefined;
    let posts = 0;
    server.use(
      http.post(`${API}/api/projects/4/rules-files`, async () => {
        posts += 1;
        await new Promise<void>((resolve) => (answer = resolve));
        const body: RulesFilesProposed = {
          branch: "mcc/rules-files",
          files: [".mcc/AGENTS.md", ".mcc/coder.md"],
          commit: "a".repeat(40),
          review_ref: "mcc/mcc/rules-files",
          pull_request_url: null,
        };
        return HttpResponse.json(body, { status: 201 });
      }),
    );
    const button = show();
    const help = document.getElementById(button.getAttribute("aria-describedby") ?? "");
    expect(help?.textContent).toMatch(/on a branch for review; main is not changed until you merge it/);

    fireEvent.click(button);
    await waitFor(() => expect(button).toHaveProperty("disabled", true));
    fireEvent.click(button); // a second click while it runs sends nothing
    await waitFor(() => expect(answer).toBeDefined());
    answer?.();

    await waitFor(() => expect(button).toHaveProperty("disabled", false));
    expect(screen.getByRole("status").textContent).toBe(
      "Committed 2 template files on branch mcc/rules-files (.mcc/AGENTS.md, .mcc/coder.md). " +
        "Review it in your repository with `git diff main...mcc/mcc/rules-files` and merge it to use the rules.",
    );
    expect(posts).toBe(1);
    expect(screen.queryByRole("link")).toBeNull(); // a local project has no pull request
  });

  it("links the pull request of a GitHub project, also when it was opened by an earlier press", async () => {
    const url = "https://github.com/octo/app/pull/7";
    const answers: RulesFilesProposed[] = [
      {
        branch: "mcc/rules-files",
        files: [".mcc/AGENTS.md"],
        commit: "b".repeat(40),
        review_ref: null,
        pull_request_url: url,
      },
      { branch: "mcc/rules-files", files: [], commit: null, review_ref: null, pull_request_url: url },
    ];
    server.use(
      http.post(`${API}/api/projects/4/rules-files`, () => HttpResponse.json(answers.shift(), { status: 201 })),
    );
    const button = show();

    fireEvent.click(button);
    const link = await screen.findByRole("link", { name: "Review the pull request on GitHub" });
    expect(link.getAttribute("href")).toBe(url);
    expect(link.getAttribute("target")).toBe("_blank");
    expect(screen.getByRole("status").textContent).toBe(
      "Committed 1 template file on branch mcc/rules-files (.mcc/AGENTS.md). Merge its pull request to use the rules.",
    );

    fireEvent.click(button);
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toBe(
        "Every rule file is proposed already: its pull request is open for review.",
      ),
    );
    expect(screen.getByRole("link", { name: "Review the pull request on GitHub" }).getAttribute("href")).toBe(url);
  });

  it("says when there is nothing to propose", async () => {
    server.use(
      http.post(`${API}/api/projects/4/rules-files`, () =>
        HttpResponse.json(
          {
            branch: "mcc/rules-files",
            files: [],
            commit: null,
            review_ref: null,
            pull_request_url: null,
          } satisfies RulesFilesProposed,
          { status: 201 },
        ),
      ),
    );
    fireEvent.click(show());
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toBe(
        "Every rule file is in the repository already: there is nothing to propose.",
      ),
    );
    expect(screen.queryByRole("link")).toBeNull();
  });

  it("shows the server's error sentence", async () => {
    server.use(
      http.post(`${API}/api/projects/4/rules-files`, () =>
        HttpResponse.json(
          { error: { code: "not_found", message: "The project's repository is gone." } },
          { status: 404 },
        ),
      ),
    );
    const button = show();
    fireEvent.click(button);
    expect((await screen.findByRole("alert")).textContent).toBe("The project's repository is gone.");
    expect(button).toHaveProperty("disabled", false);
    expect(screen.getByRole("status").textContent).toBe("");
  });
});
