import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { PullRequest } from "../types";
import { pullKeys } from "./keys";

export const getPulls = (projectId: number) => api.get<PullRequest[]>(`/api/projects/${projectId}/pulls`);

export const pullsQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: pullKeys.list(projectId), queryFn: () => getPulls(projectId) });

export const usePulls = (projectId: number) => useQuery(pullsQueryOptions(projectId));
