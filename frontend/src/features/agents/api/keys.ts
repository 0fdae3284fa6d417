export const agentKeys = {
  all: () => ["agents"] as const,
  list: (projectId: number) => ["agents", projectId] as const,
};

/** The answer of `POST /api/agents/{id}/runs`, kept for the Temporal link of its conversation. */
export const runKeys = {
  detail: (runId: string) => ["run", runId] as const,
};
