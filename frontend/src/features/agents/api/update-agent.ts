import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Agent, AgentUpdate } from "../types";
import { storeAgent } from "./agent-cache";

export const updateAgent = (agentId: number, input: AgentUpdate) =>
  unwrap(api.PATCH("/api/agents/{agent_id}", { params: { path: { agent_id: agentId } }, body: input }));

/** Change the model, temperature, max tokens or rules; the agent's next task uses them. */
export const useUpdateAgent = (agentId: number) => {
  const queryClient = useQueryClient();
  return useMutation<Agent, ApiError, AgentUpdate>({
    mutationFn: (input) => updateAgent(agentId, input),
    onSuccess: (agent) => storeAgent(queryClient, agent),
  });
};
