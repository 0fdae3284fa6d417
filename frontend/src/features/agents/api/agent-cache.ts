import type { QueryClient } from "@tanstack/react-query";

import type { AgentStatusEvent } from "@/lib/socket";
import type { Agent } from "../types";
import { agentKeys } from "./keys";

const upsert = (agent: Agent) => (agents: Agent[] | undefined) => {
  if (!agents) return agents;
  const known = agents.some((a) => a.id === agent.id);
  return known ? agents.map((a) => (a.id === agent.id ? agent : a)) : [...agents, agent];
};

/** Put a fresh copy of an agent (a mutation response, an `agent` event) into the lists holding it. */
export function storeAgent(queryClient: QueryClient, agent: Agent): void {
  queryClient.setQueryData<Agent[]>(agentKeys.list(agent.project_id), upsert(agent));
  queryClient.setQueryData<Agent[]>(agentKeys.everywhere(), upsert(agent));
}

/** Take a deleted agent out of the lists (an `agent_removed` event or a mutation). */
export function dropAgent(queryClient: QueryClient, projectId: number, agentId: number): void {
  const without = (agents: Agent[] | undefined) => agents?.filter((a) => a.id !== agentId);
  queryClient.setQueryData<Agent[]>(agentKeys.list(projectId), without);
  queryClient.setQueryData<Agent[]>(agentKeys.everywhere(), without);
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
    const reason = event.reason ?? null;
    if (agent.status === event.status && agent.current_task === event.current_task && agent.status_reason === reason)
      continue;
    queryClient.setQueryData<Agent[]>(queryKey, (list) =>
      list?.map((a) =>
        a.id === event.agent_id
          ? { ...a, status: event.status, current_task: event.current_task, status_reason: reason }
          : a,
      ),
    );
  }
  return projects;
}
