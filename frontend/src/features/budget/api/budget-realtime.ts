import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onResync, onServerEvent, type BudgetAlertEvent, type SystemStateEvent } from "@/lib/socket";
import { systemKeys } from "@/lib/query-keys";
import type { components } from "@/lib/api-schema";
import { useAuthStore } from "@/stores/auth";
import { useBudgetAlertStore } from "@/stores/budget-alerts";
import { budgetKeys } from "./keys";

/**
 * For the life of the app: `budget_alert` becomes a banner (and refreshes the budget page),
 * `system_state` (the emergency pause, from any of the user's tabs) updates the header.
 * Both come to the user's own room, which the server joins at the handshake.
 */
export function useBudgetRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onAlert = (event: BudgetAlertEvent) => {
      useBudgetAlertStore.getState().add(event);
      void queryClient.invalidateQueries({ queryKey: budgetKeys.summaries() });
    };
    const onSystemState = (event: SystemStateEvent) => {
      const cached = queryClient.getQueryData<components["schemas"]["SystemStateOut"]>(systemKeys.state());
      if (cached)
        queryClient.setQueryData<components["schemas"]["SystemStateOut"]>(systemKeys.state(), { ...cached, ...event });
      // The event lacks the budget day and time zone: fetch the whole state when none is cached.
      else void queryClient.invalidateQueries({ queryKey: systemKeys.state() });
      void queryClient.invalidateQueries({ queryKey: budgetKeys.summaries() });
    };
    // A pause or resume while the socket was down is replayed; unless the server lost it.
    const stopResync = onResync((room) => {
      if (room.kind !== "user") return;
      void queryClient.invalidateQueries({ queryKey: systemKeys.state() });
      void queryClient.invalidateQueries({ queryKey: budgetKeys.summaries() });
    });
    const stopAlert = onServerEvent("budget_alert", onAlert);
    const stopSystemState = onServerEvent("system_state", onSystemState);
    const unsubscribe = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") {
        useBudgetAlertStore.getState().reset();
      }
    });
    return () => {
      stopAlert();
      stopSystemState();
      stopResync();
      unsubscribe();
    };
  }, [queryClient]);
}
