import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-schema";
import { orchestratorKeys } from "@/lib/query-keys";

export type Orchestrator = components["schemas"]["OrchestratorOut"];

export const getOrchestrator = () => unwrap(api.GET("/api/orchestrator"));

/** The person's orchestrator: its conversation (created on first use), the same for all projects. */
export const useOrchestrator = () =>
  useQuery({ queryKey: orchestratorKeys.mine(), queryFn: getOrchestrator, staleTime: Infinity });
