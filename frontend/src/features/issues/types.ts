import type { components } from "@/lib/api-schema";

export type Issue = components["schemas"]["IssueOut"];
export type IssueCreate = components["schemas"]["IssueCreate"];
/** The answer to filing an issue: the issue, and whether its run has started yet. */
export type IssueCreated = components["schemas"]["IssueCreatedOut"];
export type ApproveIn = components["schemas"]["ApproveIn"];
export type RejectIn = components["schemas"]["RejectIn"];
export type Decision = components["schemas"]["DecisionOut"];
export type TestReport = components["schemas"]["TestReportOut"];
export type ReviewVerdict = NonNullable<Issue["review_verdict"]>;

/** The phase where the workflow waits for the approve / reject signal. */
export const AWAITING_APPROVAL = "awaiting_approval";
/** The phase where the run stopped on an error and waits for Retry or Cancel. */
export const NEEDS_ATTENTION = "needs_attention";
export const PAUSED = "paused";

/** What `awaiting_approval` is about: the architect's spec, or merging the pull request. */
export type Gate = "spec" | "merge";

/** The gate of an issue awaiting approval; an older server sends none, which means the merge. */
export function gateOf(issue: Issue): Gate {
  return issue.gate === "spec" ? "spec" : "merge";
}

/** Why a decision was refused (409), in plain words; the server's message follows. */
export const REFUSED: Record<string, string> = {
  decision_taken: "Someone already decided this round (another tab, a review or a button) and that decision stands.",
  stale_round: "This round is over: the run has moved on. Look at what it shows now and decide again.",
  head_moved: "The branch changed after you looked at it. Review the new head commit and decide again.",
};

/** `POST /api/projects/{id}/issues/{n}/{action}`: steering the whole run. */
export type IssueSteerAction = "retry" | "pause" | "resume" | "cancel";
