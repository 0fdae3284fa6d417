/**
 * Every query key of the app, in one place: a mutation or socket event of one feature may
 * update another's cache (a pause refreshes the budget), and features do not import each other.
 */

/** The range of `GET /api/budget/summary` (budget days, inclusive); empty: the server's default (30 days). */
export interface SummaryRange {
  start?: string;
  end?: string;
}

export const agentKeys = {
  all: () => ["agents"] as const,
  list: (projectId: number) => ["agents", projectId] as const,
  /** Every agent of every project (the `/agents` page). */
  everywhere: () => ["agents", "everywhere"] as const,
};

/** A project's rule files (`.mcc/*.md`) as its default branch has them. */
export const ruleKeys = {
  project: (projectId: number) => ["rules", projectId] as const,
};

/** The answer of `POST /api/agents/{id}/runs`, kept for the Temporal link of its conversation. */
export const runKeys = {
  detail: (runId: string) => ["run", runId] as const,
};

export const authKeys = {
  me: () => ["auth", "me"] as const,
};

export const budgetKeys = {
  limits: () => ["budget", "limits"] as const,
  summaries: () => ["budget", "summary"] as const,
  summary: (range: SummaryRange) => ["budget", "summary", range.start ?? "", range.end ?? ""] as const,
  trend: (range: SummaryRange) => ["budget", "trend", range.start ?? "", range.end ?? ""] as const,
};

export const conversationKeys = {
  list: (projectId: number) => ["conversations", projectId] as const,
  details: () => ["conversation"] as const,
  detail: (conversationId: number) => ["conversation", conversationId] as const,
};

export const orchestratorKeys = {
  mine: () => ["orchestrator"] as const,
};

export const messageKeys = {
  all: () => ["messages"] as const,
  list: (conversationId: number) => ["messages", conversationId] as const,
};

export const issueKeys = {
  list: (projectId: number) => ["issues", projectId] as const,
  detail: (projectId: number, number: number) => ["issue", projectId, number] as const,
};

export const projectKeys = {
  list: () => ["projects"] as const,
  detail: (projectId: number) => ["project", projectId] as const,
};

export const pullKeys = {
  all: () => ["pulls"] as const,
  /** Prefix of every pulls query of a project (the list and each diff). */
  project: (projectId: number) => ["pulls", projectId] as const,
  list: (projectId: number) => ["pulls", projectId, "list"] as const,
  /** A diff is fixed by its head commit: a new head is a new query, the same head is never refetched. */
  diff: (projectId: number, number: number, headSha: string | null) =>
    ["pulls", projectId, "diff", number, headSha] as const,
};

export const systemKeys = {
  state: () => ["system", "state"] as const,
};
