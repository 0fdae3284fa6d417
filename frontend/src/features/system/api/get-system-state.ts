import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { systemKeys } from "./keys";

export const getSystemState = () => unwrap(api.GET("/api/system/state"));

// Changes arrive as `system_state` socket events (all of the user's tabs), replayed after a
// reconnect or fetched again on a resync (budget-realtime.ts); a fetch that failed is made again
// when the socket reconnects (lib/refetch-on-reconnect.ts). So there is nothing to poll.
export const systemStateQueryOptions = () =>
  queryOptions({ queryKey: systemKeys.state(), queryFn: getSystemState, staleTime: Infinity });

export const useSystemState = () => useQuery(systemStateQueryOptions());

/** Whether the emergency pause is on (false until the state is known): it holds every run. */
export const useEmergencyPause = () =>
  useQuery({ ...systemStateQueryOptions(), select: (state) => state.paused }).data ?? false;
