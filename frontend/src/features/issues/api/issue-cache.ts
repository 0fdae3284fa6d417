import type { QueryClient } from "@tanstack/react-query";

import type { Issue } from "../types";
import { issueKeys } from "./keys";

/** Put a fresh copy of an issue (from a mutation response) into both the list and the detail cache. */
export function storeIssue(queryClient: QueryClient, issue: Issue): void {
  queryClient.setQueryData(issueKeys.detail(issue.project_id, issue.number), issue);
  queryClient.setQueryData<Issue[]>(issueKeys.list(issue.project_id), (issues) => {
    if (!issues) return issues;
    const known = issues.some((i) => i.number === issue.number);
    return known ? issues.map((i) => (i.number === issue.number ? issue : i)) : [...issues, issue];
  });
}

/**
 * Set the phase of a cached issue without a refetch. Returns the phase it had before,
 * or null when the issue is in neither cache (nothing is fetched to find it).
 */
export function storePhase(queryClient: QueryClient, projectId: number, number: number, phase: string): string | null {
  let previous: string | null = null;
  queryClient.setQueryData<Issue>(issueKeys.detail(projectId, number), (issue) => {
    if (!issue) return issue;
    previous = issue.phase;
    return issue.phase === phase ? issue : { ...issue, phase };
  });
  queryClient.setQueryData<Issue[]>(issueKeys.list(projectId), (issues) => {
    if (!issues) return issues;
    return issues.map((issue) => {
      if (issue.number !== number) return issue;
      previous ??= issue.phase;
      return issue.phase === phase ? issue : { ...issue, phase };
    });
  });
  return previous;
}
