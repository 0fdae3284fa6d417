import type { QueryClient } from "@tanstack/react-query";

import type { AgentStatusEvent } from "@/lib/socket";
import type { Agent } from "../types";
import { agentKeys } from "./keys";

/** Put a fresh copy of an agent (from a mutation response) into its project's list. */
export function storeAgent(queryClient: QueryClient, agent: Agent): void {
  queryClient.setQueryData<Agent[]>(agentKeys.list(agent.project_id), (agents) => {
    if (!agents) return agents;
    const known = agents.some((a) => a.id === agent.id);
    return known ? agents.map((a) => (a.id === agent.id ? agent : a)) : [...agents, agent];
  });
}

/** Take a deleted agent out of its project's list (an `agent_removed` event or a mutation). */
export function dropAgent(queryClient: QueryClient, projectId: number, agentId: number): void {
  queryClient.setQueryData<Agent[]>(agentKeys.list(projectId), (agents) => agents?.filter((a) => a.id !== agentId));
}

/**
 * Apply an `agent_status` event in place. The event has no project id (the socket may be in
 * several project rooms), so every cached agent list is searched. Returns the projects whose
 * list holds the agent (empty: an agent this page has not loaded).
 */
export function storeAgentStatus(queryClient: QueryClient, event: AgentStatusEvent): number[] {
  const projects: number[] = [];
  for (const [queryKey, agents] of queryClient.getQueriesData<Agent[]>({ queryKey: agentKeys.all() })) {
    const agent = agents?.find((a) => a.id === event.agent_id);
    if (!agent) continue;
    projects.push(agent.project_id);
    if (agent.status === event.status && agent.current_task === event.current_task) continue;
    queryClient.setQueryData<Agent[]>(queryKey, (list) =>
      list?.map((a) =>
        a.id === event.agent_id ? { ...a, status: event.status, current_task: event.current_task } : a,
      ),
    );
  }
  return projects;
}
