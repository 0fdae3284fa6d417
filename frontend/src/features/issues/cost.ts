import { divideUsd, sumUsd } from "@/lib/money";
import type { Issue } from "./types";

/** Whether the issue's pull request was merged (what a merge costs is counted over these). */
export const isMerged = (issue: Pick<Issue, "pull_request">) => issue.pull_request?.state === "merged";

/**
 * A project's cost per merged pull request: everything its issues spent, failed and rejected
 * attempts included (they are part of what the merges cost), divided by the merges; null
 * before the first merge.
 */
export function costPerMergedPr(issues: Pick<Issue, "spend_usd" | "pull_request">[]): string | null {
  const merged = issues.filter(isMerged).length;
  return divideUsd(sumUsd(issues.map((issue) => issue.spend_usd ?? "0")), merged);
}
