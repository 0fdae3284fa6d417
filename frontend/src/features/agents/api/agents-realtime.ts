import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onProjectJoined, onResync, onServerEvent, type AgentStatusEvent } from "@/lib/socket";
import { dropAgent, storeAgent, storeAgentStatus } from "./agent-cache";
import { agentKeys } from "./keys";

/**
 * For the life of the app: `agent_status` changes the agent in place. An agent no cached list
 * holds (a new one) refetches the lists on screen (others are marked stale); `agent` and
 * `agent_removed` (another tab's edits) change the list in place. Missed events are replayed on
 * reconnect; the lists are refetched on the first join of a project room and on a resync.
 * Events change the cache through `agent-cache.ts` (updateFromEvent), so a refetch under way
 * when an event lands is started again and its stale answer cannot undo the event.
 */
export function useAgentRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    // Joins of several project rooms at once share one refetch of the list of every agent.
    const refetchEverywhere = () =>
      void queryClient.invalidateQueries({ queryKey: agentKeys.everywhere(), exact: true }, { cancelRefetch: false });
    const refetchProject = (projectId: number) => {
      void queryClient.invalidateQueries({ queryKey: agentKeys.list(projectId), exact: true });
      refetchEverywhere();
    };
    const onAgentStatus = (event: AgentStatusEvent) => {
      const projects = storeAgentStatus(queryClient, event);
      // A run ended: its cost is in today's spend, which no event carries (one refetch per run).
      if (event.status !== "working") refetchEverywhere();
      if (projects.length > 0) return;
      const queryKey = event.project_id === undefined ? agentKeys.all() : agentKeys.list(event.project_id);
      void queryClient.invalidateQueries({ queryKey });
    };
    const stopResync = onResync((room) => {
      if (room.kind === "project") refetchProject(room.id);
    });
    // The first join: what changed between the page's fetch and the join is only in a fetch.
    const stopProjectJoined = onProjectJoined((projectId, ack) => {
      if (ack.ok && ack.fresh) refetchProject(projectId);
    });
    const stopAgentStatus = onServerEvent("agent_status", onAgentStatus);
    // Created, edited or deleted in another tab: the project's list changes in place.
    const stopAgent = onServerEvent("agent", (agent) => storeAgent(queryClient, agent));
    const stopRemoved = onServerEvent("agent_removed", (event) =>
      dropAgent(queryClient, event.project_id, event.agent_id),
    );
    // What stops agents spending (the pause, a used-up budget) is in their status reasons.
    const stopPause = onServerEvent("system_state", refetchEverywhere);
    const stopBudget = onServerEvent("budget_alert", (alert) => {
      if (alert.level === "critical") refetchEverywhere();
    });
    return () => {
      stopPause();
      stopBudget();
      stopAgentStatus();
      stopAgent();
      stopRemoved();
      stopResync();
      stopProjectJoined();
    };
  }, [queryClient]);
}
