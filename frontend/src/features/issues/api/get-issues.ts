import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Issue } from "../types";
import { issueKeys } from "./keys";

export const getIssues = (projectId: number) => api.get<Issue[]>(`/api/projects/${projectId}/issues`);

export const issuesQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: issueKeys.list(projectId), queryFn: () => getIssues(projectId) });

export const useIssues = (projectId: number) => useQuery(issuesQueryOptions(projectId));
