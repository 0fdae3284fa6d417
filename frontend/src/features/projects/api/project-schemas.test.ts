import { describe, expect, it } from "vitest";

import {
  deletionConfirmed,
  githubProjectBody,
  githubProjectSchema,
  localProjectSchema,
  renameSchema,
} from "./project-schemas";

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? [] : (result.error?.issues.map((issue) => issue.message) ?? []);

describe("project forms", () => {
  it("explain a missing name or a relative path in sentences", () => {
    expect(messages(localProjectSchema.safeParse({ name: " ", repoPath: "code/app", init: false }))).toEqual([
      "Give the project a name.",
      "Enter the full path, starting with /.",
    ]);
    expect(localProjectSchema.safeParse({ name: "App", repoPath: " /srv/app ", init: true }).success).toBe(true);
  });

  it("accept a GitHub repository only as owner/name", () => {
    const parse = (repo: string) => githubProjectSchema.safeParse({ name: "App", repo, token: "", triggerLabel: "" });
    expect(parse("octo-org/my-app.js").success).toBe(true);
    for (const bad of ["my-app", "https://github.com/octo/app", "octo/app/extra", "-octo/app"]) {
      expect(messages(parse(bad))).toEqual(["Write the repository as owner/name, for example octo-org/my-app."]);
    }
  });

  it("send the token and label only when given", () => {
    expect(githubProjectBody({ name: " App ", repo: "octo/app", token: " ", triggerLabel: "" })).toEqual({
      name: "App",
      github: { repo: "octo/app" },
    });
    expect(githubProjectBody({ name: "App", repo: "octo/app", token: "ghp_x", triggerLabel: "agents" })).toEqual({
      name: "App",
      github: { repo: "octo/app", token: "ghp_x", trigger_label: "agents" },
    });
  });

  it("refuse an empty new name", () => {
    expect(messages(renameSchema.safeParse({ name: "   " }))).toEqual(["Give the project a name."]);
  });

  it("confirm a deletion only for the exact name", () => {
    expect(deletionConfirmed("My App", "My App")).toBe(true);
    expect(deletionConfirmed(" My App ", "My App")).toBe(true);
    expect(deletionConfirmed("my app", "My App")).toBe(false);
    expect(deletionConfirmed("", "My App")).toBe(false);
  });
});
