import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { projectKeys } from "./keys";

export const getProjects = () => unwrap(api.GET("/api/projects"));

export const projectsQueryOptions = () => queryOptions({ queryKey: projectKeys.list(), queryFn: getProjects });

export const useProjects = () => useQuery(projectsQueryOptions());
