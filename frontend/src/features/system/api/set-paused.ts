import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import { budgetKeys } from "@/lib/query-keys";
import type { PauseIn, SystemState } from "../types";
import { systemKeys } from "./keys";

export const pauseSystem = (input?: PauseIn) => unwrap(api.POST("/api/system/pause", { body: input ?? {} }));
export const resumeSystem = () => unwrap(api.POST("/api/system/resume"));

/** Emergency pause on (`true`) or off: no LLM call of the user's agents starts while it is on. */
export const useSetPaused = () => {
  const queryClient = useQueryClient();
  return useMutation<SystemState, ApiError, boolean>({
    mutationFn: (paused) => (paused ? pauseSystem() : resumeSystem()),
    onSuccess: (state) => {
      queryClient.setQueryData(systemKeys.state(), state);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.summaries() });
    },
  });
};
