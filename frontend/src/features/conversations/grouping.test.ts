import { describe, expect, it } from "vitest";

import { groupByIssue, isIssueGroup, stepLabel } from "./grouping";
import type { Conversation } from "./types";

const conversation = (id: number, kind: string, run_id: string | null, title = `c${id}`): Conversation =>
  ({ id, kind, run_id, title, project_id: 1, agent_id: null, status: "open" }) as Conversation;

describe("conversations grouped by issue", () => {
  it("names a run's step as a person says it", () => {
    expect(stepLabel("plan-1")).toBe("Plan #1");
    expect(stepLabel("task-2")).toBe("Task 2");
    expect(stepLabel("review-1-retry-1")).toBe("Review #1, attempt 2");
    expect(stepLabel("something")).toBe("something");
  });

  it("puts each issue's runs under its conversation, oldest first, the rest apart", () => {
    const entries = groupByIssue([
      conversation(9, "task", "issue/demo/2/architect/plan-1"),
      conversation(8, "issue", "issue/demo/2", "#2 Fix the login"),
      conversation(7, "inbox", null, "coder_1's inbox"),
      conversation(6, "task", "issue/demo/1/reviewer/review-1"),
      conversation(4, "task", "issue/demo/1/architect/plan-1-retry-1"),
      conversation(3, "task", "issue/demo/1/architect/plan-1"),
      conversation(2, "issue", "issue/demo/1", "#1 Add a greeting"),
      conversation(1, "task", "run/demo/coder_1/abcd1234", "Tidy the README"),
    ]);
    expect(entries.map((entry) => (isIssueGroup(entry) ? entry.issue?.title : entry.title))).toEqual([
      "#2 Fix the login",
      "coder_1's inbox",
      "#1 Add a greeting",
      "Tidy the README",
    ]);
    const first = entries[2];
    expect(first && isIssueGroup(first) ? first.runs.map((run) => `${run.agent} · ${run.label}`) : []).toEqual([
      "architect · Plan #1",
      "architect · Plan #1, attempt 2",
      "reviewer · Review #1",
    ]);
  });
});
