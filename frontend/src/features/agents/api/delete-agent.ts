import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import type { Agent } from "../types";
import { dropAgent } from "./agent-cache";

export const deleteAgent = async (agentId: number): Promise<void> => {
  await api.DELETE("/api/agents/{agent_id}", { params: { path: { agent_id: agentId } } });
};

/** Delete an idle agent; the server refuses (409) while it works, so no run is cut off. */
export const useDeleteAgent = () => {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError, Agent>({
    mutationFn: (agent) => deleteAgent(agent.id),
    onSuccess: (_, agent) => dropAgent(queryClient, agent.project_id, agent.id),
  });
};
