import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Agent, AgentCreate } from "../types";
import { storeAgent } from "./agent-cache";

export const createAgent = (input: AgentCreate) => unwrap(api.POST("/api/agents", { body: input }));

/** Add an agent to a project (with its budget share: a share that does not fit creates nothing). */
export const useCreateAgent = () => {
  const queryClient = useQueryClient();
  return useMutation<Agent, ApiError, AgentCreate>({
    mutationFn: createAgent,
    onSuccess: (agent) => storeAgent(queryClient, agent),
  });
};
