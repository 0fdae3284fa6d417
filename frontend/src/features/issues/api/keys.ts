export const issueKeys = {
  list: (projectId: number) => ["issues", projectId] as const,
  detail: (projectId: number, number: number) => ["issue", projectId, number] as const,
};
