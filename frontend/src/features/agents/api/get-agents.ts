import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { agentKeys } from "./keys";

export const getAgents = (projectId: number) =>
  unwrap(api.GET("/api/agents", { params: { query: { project_id: projectId } } }));

export const agentsQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: agentKeys.list(projectId), queryFn: () => getAgents(projectId) });

export const useAgents = (projectId: number) => useQuery(agentsQueryOptions(projectId));

/** Every agent of every project of the person, in one request (the `/agents` page). */
export const getAllAgents = () => unwrap(api.GET("/api/agents"));

export const useAllAgents = () => useQuery({ queryKey: agentKeys.everywhere(), queryFn: getAllAgents });
