import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onProjectJoined, socket, type AgentStatusEvent } from "@/lib/socket";
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
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) void queryClient.invalidateQueries({ queryKey: agentKeys.all() });
      connectedBefore = true;
    };
    const stopProjectJoined = onProjectJoined((projectId, ack) => {
      if (ack.ok) void queryClient.invalidateQueries({ queryKey: agentKeys.list(projectId) });
    });
    socket.on("agent_status", onAgentStatus);
    socket.on("connect", onConnect);
    return () => {
      socket.off("agent_status", onAgentStatus);
      socket.off("connect", onConnect);
      stopProjectJoined();
    };
  }, [queryClient]);
}
