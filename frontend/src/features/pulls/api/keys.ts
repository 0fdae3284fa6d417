export const pullKeys = {
  /** Prefix of every pulls query of a project (the list and each diff). */
  project: (projectId: number) => ["pulls", projectId] as const,
  list: (projectId: number) => ["pulls", projectId, "list"] as const,
  diff: (projectId: number, number: number) => ["pulls", projectId, "diff", number] as const,
};
