import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import { conversationKeys } from "@/lib/query-keys";
import type { RunCreate, RunOut } from "../types";
import { agentKeys, runKeys } from "./keys";

export const startRun = (agentId: number, input: RunCreate) =>
  unwrap(api.POST("/api/agents/{agent_id}/runs", { params: { path: { agent_id: agentId } }, body: input }));

/** Give the agent a task (202): a run on a new branch, with a conversation of its own. */
export const useStartRun = (projectId: number, agentId: number) => {
  const queryClient = useQueryClient();
  return useMutation<RunOut, ApiError, RunCreate>({
    mutationFn: (input) => startRun(agentId, input),
    onSuccess: (run) => {
      queryClient.setQueryData(runKeys.detail(run.run_id), run);
      void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId) });
      // `agent_status` says "working" once the run has started; this covers a missed event.
      void queryClient.invalidateQueries({ queryKey: agentKeys.list(projectId) });
    },
  });
};
