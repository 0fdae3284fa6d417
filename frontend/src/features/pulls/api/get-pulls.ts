import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { pullKeys } from "./keys";

export const getPulls = (projectId: number) =>
  unwrap(api.GET("/api/projects/{project_id}/pulls", { params: { path: { project_id: projectId } } }));

export const pullsQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: pullKeys.list(projectId), queryFn: () => getPulls(projectId) });

export const usePulls = (projectId: number) => useQuery(pullsQueryOptions(projectId));
