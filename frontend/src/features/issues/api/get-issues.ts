import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { issueKeys } from "./keys";

export const getIssues = (projectId: number) =>
  unwrap(api.GET("/api/projects/{project_id}/issues", { params: { path: { project_id: projectId } } }));

export const issuesQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: issueKeys.list(projectId), queryFn: () => getIssues(projectId) });

export const useIssues = (projectId: number) => useQuery(issuesQueryOptions(projectId));
