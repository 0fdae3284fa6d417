import type { SummaryRange } from "../types";

export const budgetKeys = {
  limits: () => ["budget", "limits"] as const,
  summaries: () => ["budget", "summary"] as const,
  summary: (range: SummaryRange) => ["budget", "summary", range.start ?? "", range.end ?? ""] as const,
};
