import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Issue } from "../types";
import { issueKeys } from "./keys";

export const getIssue = (projectId: number, number: number) =>
  api.get<Issue>(`/api/projects/${projectId}/issues/${number}`);

export const issueQueryOptions = (projectId: number, number: number) =>
  queryOptions({ queryKey: issueKeys.detail(projectId, number), queryFn: () => getIssue(projectId, number) });

export const useIssue = (projectId: number, number: number) => useQuery(issueQueryOptions(projectId, number));
