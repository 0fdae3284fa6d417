import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { issueKeys } from "./keys";

export const getIssue = (projectId: number, number: number) =>
  unwrap(
    api.GET("/api/projects/{project_id}/issues/{number}", { params: { path: { project_id: projectId, number } } }),
  );

export const issueQueryOptions = (projectId: number, number: number) =>
  queryOptions({ queryKey: issueKeys.detail(projectId, number), queryFn: () => getIssue(projectId, number) });

export const useIssue = (projectId: number, number: number) => useQuery(issueQueryOptions(projectId, number));
