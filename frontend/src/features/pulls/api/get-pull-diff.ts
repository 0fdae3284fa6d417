import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { pullKeys } from "./keys";

export const getPullDiff = (projectId: number, number: number) =>
  unwrap(
    api.GET("/api/projects/{project_id}/pulls/{number}/diff", { params: { path: { project_id: projectId, number } } }),
  );

export const pullDiffQueryOptions = (projectId: number, number: number, headSha: string | null) =>
  queryOptions({
    queryKey: pullKeys.diff(projectId, number, headSha),
    queryFn: () => getPullDiff(projectId, number),
    staleTime: Infinity,
  });

export const usePullDiff = (projectId: number, number: number, headSha: string | null) =>
  useQuery(pullDiffQueryOptions(projectId, number, headSha));
