import type { Issue } from "@/features/issues/types";

/**
 * An issue as `GET …/issues` returns it: #1 of project 2, open and coding, nothing spent yet. A test
 * overrides only what it is about; the workflow id follows the number.
 */
export function anIssue(overrides: Partial<Issue> = {}): Issue {
  const number = overrides.number ?? 1;
  return {
    project_id: 2,
    number,
    title: "Fix login",
    body: "",
    phase: "coding",
    state: "open",
    workflow_id: `issue/demo/${number}`,
    temporal_url: "",
    pull_request: null,
    round: 0,
    test_loops: 0,
    review_loops: 0,
    rejections: 0,
    tokens: 0,
    cost_usd: 0,
    spend_usd: "0",
    created_at: "2026-12-06T08:00:00Z",
    ...overrides,
  };
}
