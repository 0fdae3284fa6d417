export const pullKeys = {
  all: () => ["pulls"] as const,
  /** Prefix of every pulls query of a project (the list and each diff). */
  project: (projectId: number) => ["pulls", projectId] as const,
  list: (projectId: number) => ["pulls", projectId, "list"] as const,
  /** A diff is fixed by its head commit: a new head is a new query, the same head is never refetched. */
  diff: (projectId: number, number: number, headSha: string | null) => ["pulls", projectId, "diff", number, headSha] as const,
};
