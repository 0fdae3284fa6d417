import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Diff } from "../types";
import { pullKeys } from "./keys";

export const getPullDiff = (projectId: number, number: number) =>
  api.get<Diff>(`/api/projects/${projectId}/pulls/${number}/diff`);

export const pullDiffQueryOptions = (projectId: number, number: number, headSha: string | null) =>
  queryOptions({
    queryKey: pullKeys.diff(projectId, number, headSha),
    queryFn: () => getPullDiff(projectId, number),
    staleTime: Infinity,
  });

export const usePullDiff = (projectId: number, number: number, headSha: string | null) =>
  useQuery(pullDiffQueryOptions(projectId, number, headSha));
