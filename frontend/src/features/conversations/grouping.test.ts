import { describe, expect, it } from "vitest";

import { groupByIssue, isIssueGroup } from "./grouping";
import { conversationName } from "./naming";
import type { Conversation } from "./types";

const conversation = (id: number, kind: string, run_id: string | null, title = `c${id}`): Conversation =>
  ({ id, kind, run_id, title, project_id: 1, agent_id: null, status: "open" }) as Conversation;

describe("conversations grouped by issue", () => {
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
    expect(first && isIssueGroup(first) ? first.runs.map(conversationName) : []).toEqual([
      "architect · #1 Plan",
      "architect · #1 Plan, attempt 2",
      "reviewer · #1 Review 1",
    ]);
  });
});
