import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { storeDetailInList } from "./issue-cache";
import { issueKeys } from "./keys";

export const getIssue = (projectId: number, number: number) =>
  unwrap(
    api.GET("/api/projects/{project_id}/issues/{number}", { params: { path: { project_id: projectId, number } } }),
  );

export const issueQueryOptions = (projectId: number, number: number) =>
  queryOptions({
    queryKey: issueKeys.detail(projectId, number),
    queryFn: async ({ client }) => {
      const issue = await getIssue(projectId, number);
      storeDetailInList(client, issue);
      return issue;
    },
  });

export const useIssue = (projectId: number, number: number) => useQuery(issueQueryOptions(projectId, number));
