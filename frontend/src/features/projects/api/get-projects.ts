import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Project } from "../types";
import { projectKeys } from "./keys";

export const getProjects = () => api.get<Project[]>("/api/projects");

export const projectsQueryOptions = () =>
  queryOptions({ queryKey: projectKeys.list(), queryFn: getProjects });

export const useProjects = () => useQuery(projectsQueryOptions());
