import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { useConnectionStore } from "@/stores/connection";

/**
 * For the life of the app: when the socket (re)connects, the server is back, so every query
 * that failed meanwhile is fetched again. Queries the socket keeps fresh (`staleTime: Infinity`)
 * would otherwise keep their error until a reload; those that succeeded keep their data.
 */
export function useRefetchFailedOnReconnect(): void {
  const queryClient = useQueryClient();

  useEffect(
    () =>
      useConnectionStore.subscribe((state, previous) => {
        if (state.status !== "connected" || previous.status === "connected") return;
        void queryClient.invalidateQueries({ predicate: (query) => query.state.status === "error" });
      }),
    [queryClient],
  );
}
