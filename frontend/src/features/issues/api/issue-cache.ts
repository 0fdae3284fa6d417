import type { QueryClient } from "@tanstack/react-query";

import { updateFromEvent } from "@/lib/event-cache";
import { toUnits } from "@/lib/money";
import { isFinalPhase } from "@/lib/run-phases";
import type { Issue } from "../types";
import { issueKeys } from "./keys";

/**
 * Fields that only `GET …/issues/{n}` fills in, from the run's live status or what the run
 * stored. The list and the mutation answers (create, approve, reject, retry, pause, resume,
 * cancel) leave them at their defaults, so a cached detail keeps its own until it is refetched.
 */
const LIVE_FIELDS = [
  "gate",
  "agents_at_work",
  "test_loops",
  "review_loops",
  "rejections",
  "spec",
  "test_report",
  "review",
  "review_verdict",
  "conversation_id",
  "error",
  "decision",
] as const satisfies readonly (keyof Issue)[];

function keepLiveFields(cached: Issue | undefined, fresh: Issue): Issue {
  if (!cached) return fresh;
  const merged: Issue = { ...fresh };
  for (const field of LIVE_FIELDS) Object.assign(merged, { [field]: cached[field] });
  // A decision's own answer carries the decision: that one is fresher than the cache.
  if (fresh.decision) merged.decision = fresh.decision;
  return merged;
}

/**
 * Put a fresh copy of an issue (from a mutation response) into both the list and the detail
 * cache; the detail keeps its live fields (see LIVE_FIELDS).
 */
export function storeIssue(queryClient: QueryClient, issue: Issue): void {
  queryClient.setQueryData<Issue>(issueKeys.detail(issue.project_id, issue.number), (cached) =>
    keepLiveFields(cached, issue),
  );
  queryClient.setQueryData<Issue[]>(issueKeys.list(issue.project_id), (issues) => {
    if (!issues) return issues;
    const known = issues.some((i) => i.number === issue.number);
    return known ? issues.map((i) => (i.number === issue.number ? issue : i)) : [...issues, issue];
  });
}

/**
 * The issue in `phase`. A run that ended has closed its issue and has no agent at work (the
 * server did both as it stored the phase), so the list's Open filter and the page follow now,
 * not at the next refetch. The same object when nothing changes.
 */
function withPhase(issue: Issue, phase: string): Issue {
  if (!isFinalPhase(phase)) return issue.phase === phase ? issue : { ...issue, phase };
  if (issue.phase === phase && issue.state === "closed") return issue;
  return { ...issue, phase, state: "closed", agents_at_work: [] };
}

/**
 * Set the phase of a cached issue without a refetch. Returns the phase it had before,
 * or null when the issue is in neither cache (nothing is fetched to find it).
 */
export function storePhase(queryClient: QueryClient, projectId: number, number: number, phase: string): string | null {
  let previous: string | null = null;
  updateFromEvent<Issue>(queryClient, issueKeys.detail(projectId, number), (issue) => {
    if (!issue) return issue;
    previous = issue.phase;
    return withPhase(issue, phase);
  });
  updateFromEvent<Issue[]>(queryClient, issueKeys.list(projectId), (issues) => {
    if (!issues) return issues;
    return issues.map((issue) => {
      if (issue.number !== number) return issue;
      previous ??= issue.phase;
      return withPhase(issue, phase);
    });
  });
  return previous;
}

/**
 * Change one issue, from an event, in its detail and in its project's list. An update that
 * changes nothing keeps the cached objects (the query cache's structural sharing), so no
 * page re-renders for it.
 */
function updateIssue(queryClient: QueryClient, projectId: number, number: number, update: (issue: Issue) => Issue) {
  updateFromEvent<Issue>(queryClient, issueKeys.detail(projectId, number), (issue) => issue && update(issue));
  updateFromEvent<Issue[]>(queryClient, issueKeys.list(projectId), (issues) =>
    issues?.map((issue) => (issue.number === number ? update(issue) : issue)),
  );
}

/** The higher of two decimal amounts, compared exactly; the cached one when they are equal. */
const later = (cached: string | undefined, reported: string) =>
  cached !== undefined && toUnits(cached) >= toUnits(reported) ? cached : reported;

/**
 * Set a cached issue's spend and tokens from a `task_progress` step (running totals, charged
 * before they are sent). Both only grow: a total lower than the cached one is an older event
 * (or a fetch answered later) and changes nothing, so it never moves the shown figure back.
 */
export function storeSpend(
  queryClient: QueryClient,
  projectId: number,
  number: number,
  spendUsd: string,
  tokens?: number | null,
): void {
  const withSpend = (issue: Issue) => {
    const spend = later(issue.spend_usd, spendUsd);
    const used = tokens == null ? issue.tokens : Math.max(issue.tokens, tokens);
    return spend === issue.spend_usd && used === issue.tokens ? issue : { ...issue, spend_usd: spend, tokens: used };
  };
  updateIssue(queryClient, projectId, number, withSpend);
}

/**
 * Set a cached issue's pull request from a phase change, which carries it as it is now
 * (opened, a new head, merged or closed): the detail's panel and the list's row, whose
 * project cost per merged pull request counts merges, follow without a fetch.
 */
export function storePull(
  queryClient: QueryClient,
  projectId: number,
  number: number,
  pull: NonNullable<Issue["pull_request"]>,
): void {
  updateIssue(queryClient, projectId, number, (issue) => ({ ...issue, pull_request: pull }));
}
