import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Diff } from "../types";
import { pullKeys } from "./keys";

export const getPullDiff = (projectId: number, number: number) =>
  api.get<Diff>(`/api/projects/${projectId}/pulls/${number}/diff`);

export const pullDiffQueryOptions = (projectId: number, number: number) =>
  queryOptions({ queryKey: pullKeys.diff(projectId, number), queryFn: () => getPullDiff(projectId, number) });

export const usePullDiff = (projectId: number, number: number) => useQuery(pullDiffQueryOptions(projectId, number));
