import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Project } from "../types";
import { projectKeys } from "./keys";

export const getProject = (projectId: number) => api.get<Project>(`/api/projects/${projectId}`);

export const projectQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: projectKeys.detail(projectId), queryFn: () => getProject(projectId) });

export const useProject = (projectId: number) => useQuery(projectQueryOptions(projectId));
