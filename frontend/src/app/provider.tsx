import { useEffect, type ReactNode } from "react";
import { QueryClientProvider } from "@tanstack/react-query";

import { queryClient } from "@/lib/query-client";
import { installSessionEffects } from "@/lib/session";
import { startRealtime } from "@/lib/socket";
import { useRefetchFailedOnReconnect } from "@/lib/refetch-on-reconnect";
import { useConversationRealtimeSync } from "@/features/conversations/api/realtime-sync";
import { useIssueProgressSync } from "@/features/issues/api/sync-issue-progress";
import { useBudgetRealtimeSync } from "@/features/budget/api/budget-realtime";
import { useNotificationsRealtimeSync } from "@/features/notifications/api/notifications-realtime";
import { useAgentRealtimeSync } from "@/features/agents/api/agents-realtime";
import { usePullRealtimeSync } from "@/features/pulls/api/pulls-realtime";
import { useProjectRealtimeSync } from "@/features/projects/api/projects-realtime";

function RealtimeSync() {
  useEffect(() => {
    installSessionEffects(); // proactive refresh, cache reset on logout, logout from other tabs
    startRealtime(); // socket.io while logged in, with the access token in the handshake
  }, []);
  useRefetchFailedOnReconnect();
  useIssueProgressSync();
  useConversationRealtimeSync();
  useAgentRealtimeSync();
  usePullRealtimeSync();
  useProjectRealtimeSync();
  useBudgetRealtimeSync();
  useNotificationsRealtimeSync();
  return null;
}

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeSync />
      {children}
    </QueryClientProvider>
  );
}
