import type { QueryClient } from "@tanstack/react-query";

import { updateFromEvent } from "@/lib/event-cache";
import type { AgentStatusEvent } from "@/lib/socket";
import type { Agent } from "../types";
import { agentKeys } from "./keys";

// Every change goes through updateFromEvent: a fetch of the list already under way (the refetch
// after a resync or a first join) may have been answered before the change, and its answer
// would bring the old agent back when it lands; such a fetch is started again.

const upsert = (agent: Agent) => (agents: Agent[] | undefined) => {
  if (!agents) return agents;
  const known = agents.some((a) => a.id === agent.id);
  return known ? agents.map((a) => (a.id === agent.id ? agent : a)) : [...agents, agent];
};

/** Put a fresh copy of an agent (a mutation response, an `agent` event) into the lists holding it. */
export function storeAgent(queryClient: QueryClient, agent: Agent): void {
  updateFromEvent<Agent[]>(queryClient, agentKeys.list(agent.project_id), upsert(agent));
  updateFromEvent<Agent[]>(queryClient, agentKeys.everywhere(), upsert(agent));
}

/** Take a deleted agent out of the lists (an `agent_removed` event or a mutation). */
export function dropAgent(queryClient: QueryClient, projectId: number, agentId: number): void {
  const without = (agents: Agent[] | undefined) =>
    agents?.some((a) => a.id === agentId) ? agents.filter((a) => a.id !== agentId) : agents;
  updateFromEvent<Agent[]>(queryClient, agentKeys.list(projectId), without);
  updateFromEvent<Agent[]>(queryClient, agentKeys.everywhere(), without);
}

/**
 * Apply an `agent_status` event in place. The event has no project id (the socket may be in
 * several project rooms), so every cached agent list is searched. Returns the projects whose
 * list holds the agent (empty: an agent this page has not loaded).
 */
export function storeAgentStatus(queryClient: QueryClient, event: AgentStatusEvent): number[] {
  const projects: number[] = [];
  const reason = event.reason ?? null;
  const paused = event.paused ?? false;
  for (const [queryKey, agents] of queryClient.getQueriesData<Agent[]>({ queryKey: agentKeys.all() })) {
    const agent = agents?.find((a) => a.id === event.agent_id);
    if (!agent) continue;
    projects.push(agent.project_id);
    updateFromEvent<Agent[]>(queryClient, queryKey, (list) => {
      const current = list?.find((a) => a.id === event.agent_id);
      if (!list || !current) return list;
      if (
        current.status === event.status &&
        current.current_task === event.current_task &&
        current.status_reason === reason &&
        current.paused === paused
      )
        return list; // nothing new: a fetch under way is left alone
      const changed = {
        ...current,
        status: event.status,
        current_task: event.current_task,
        status_reason: reason,
        paused,
      };
      return list.map((a) => (a.id === event.agent_id ? changed : a));
    });
  }
  return projects;
}
