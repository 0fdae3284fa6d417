import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { SystemState } from "../types";
import { systemKeys } from "./keys";

export const getSystemState = () => api.get<SystemState>("/api/system/state");

// Changes arrive as `system_state` socket events (all of the user's tabs); the interval
// covers a socket that is down.
export const systemStateQueryOptions = () =>
  queryOptions({ queryKey: systemKeys.state(), queryFn: getSystemState, refetchInterval: 60_000 });

export const useSystemState = () => useQuery(systemStateQueryOptions());
