import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { systemKeys } from "./keys";

export const getSystemState = () => unwrap(api.GET("/api/system/state"));

// Changes arrive as `system_state` socket events (all of the user's tabs); after a reconnect
// the state is fetched again (budget-realtime.ts), so there is nothing to poll.
export const systemStateQueryOptions = () =>
  queryOptions({ queryKey: systemKeys.state(), queryFn: getSystemState, staleTime: Infinity });

export const useSystemState = () => useQuery(systemStateQueryOptions());
