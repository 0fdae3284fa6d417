import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onProjectJoined, onResync, onServerEvent, type AgentStatusEvent } from "@/lib/socket";
import { storeAgentStatus } from "./agent-cache";
import { agentKeys } from "./keys";

/**
 * For the life of the app: `agent_status` changes the agent in place. An agent no cached list
 * holds (a new one) refetches the lists on screen (others are marked stale). After a
 * reconnect or a (re)join of a project room the lists are refetched: events may have been missed.
 */
export function useAgentRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onAgentStatus = (event: AgentStatusEvent) => {
      const projects = storeAgentStatus(queryClient, event);
      if (projects.length > 0) return;
      const queryKey = event.project_id === undefined ? agentKeys.all() : agentKeys.list(event.project_id);
      void queryClient.invalidateQueries({ queryKey });
    };
    const stopResync = onResync((room) => {
      if (room.kind === "project") void queryClient.invalidateQueries({ queryKey: agentKeys.list(room.id) });
    });
    // The first join: what changed between the page's fetch and the join is only in a fetch.
    const stopProjectJoined = onProjectJoined((projectId, ack) => {
      if (ack.ok && ack.fresh) void queryClient.invalidateQueries({ queryKey: agentKeys.list(projectId) });
    });
    const stopAgentStatus = onServerEvent("agent_status", onAgentStatus);
    return () => {
      stopAgentStatus();
      stopResync();
      stopProjectJoined();
    };
  }, [queryClient]);
}
