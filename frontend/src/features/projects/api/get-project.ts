import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { projectKeys } from "./keys";

export const getProject = (projectId: number) =>
  unwrap(api.GET("/api/projects/{project_id}", { params: { path: { project_id: projectId } } }));

export const projectQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: projectKeys.detail(projectId), queryFn: () => getProject(projectId) });

export const useProject = (projectId: number) => useQuery(projectQueryOptions(projectId));
