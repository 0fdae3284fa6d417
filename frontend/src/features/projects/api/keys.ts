export const projectKeys = {
  list: () => ["projects"] as const,
  detail: (projectId: number) => ["project", projectId] as const,
};
