import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { PullRequest } from "../types";
import { CiBadge } from "./ci-badge";
import { PullRequestSummary } from "./pull-request-summary";

const PULL: PullRequest = {
  number: 7,
  issue_number: 3,
  title: "Add a greeting",
  state: "open",
  head_branch: "mcc/issue-3",
  base_branch: "main",
  base_sha: "a".repeat(40),
  head_sha: "b".repeat(40),
  merge_sha: null,
  ci_state: null,
  ci_summary: null,
  created_at: "2026-12-06T08:00:00Z",
};

describe("the CI badge", () => {
  it.each([
    ["success", "CI: passed (3 of 3 checks green)", "CI passed"],
    ["failure", "CI: failed (lint, unit tests)", "CI failing: lint, unit tests"],
    ["pending", "CI: waiting for build", "Waiting for CI"],
    ["none", "CI: no checks configured on this repository", "No CI configured"],
    ["ignored", "CI: ignored (the project is set to ignore CI)", "CI ignored"],
  ])("says %s in plain words, with the server's summary as its tooltip", (state, summary, words) => {
    render(<CiBadge pull={{ ci_state: state, ci_summary: summary }} />);
    const badge = screen.getByText(words).parentElement!;
    expect(badge.textContent).toBe(words);
    expect(badge.getAttribute("title")).toBe(summary);
  });

  it("shows nothing while MCC has not read the CI yet", () => {
    const { container } = render(<CiBadge pull={{ ci_state: null, ci_summary: null }} />);
    expect(container.textContent).toBe("");
  });

  it("sits next to the pull request's state on the issue page", () => {
    render(<PullRequestSummary pull={{ ...PULL, ci_state: "failure", ci_summary: "CI: failed (tests)" }} />);
    expect(screen.getByText("CI failing: tests")).toBeTruthy();
    expect(screen.getByText("open")).toBeTruthy();
  });
});
