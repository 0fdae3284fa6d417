import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Issue, IssueSteerAction } from "../types";
import { storeIssue } from "./issue-cache";
import { issueKeys } from "./keys";

export const steerIssue = (projectId: number, number: number, action: IssueSteerAction) =>
  unwrap(
    api.POST("/api/projects/{project_id}/issues/{number}/{action}", {
      params: { path: { project_id: projectId, number, action } },
    }),
  );

/**
 * Retry (after needs_attention), pause, resume or cancel the issue's whole run: 202 with the
 * issue, 409 when the action does not apply (the run has ended, or needs no retry).
 */
export const useSteerIssue = (projectId: number, number: number) => {
  const queryClient = useQueryClient();
  const refetch = () => {
    void queryClient.invalidateQueries({ queryKey: issueKeys.detail(projectId, number), exact: true });
    void queryClient.invalidateQueries({ queryKey: issueKeys.list(projectId) });
  };
  return useMutation<Issue, ApiError, IssueSteerAction>({
    mutationFn: (action) => steerIssue(projectId, number, action),
    onSuccess: (issue) => {
      storeIssue(queryClient, issue);
      // The answer comes before the run acts on the signal; its task_progress refetches
      // again, and this one covers a signal that changes no phase.
      refetch();
    },
    // 409: the run moved on meanwhile; show it as it is now (the message stays on screen).
    onError: (error) => {
      if (error.status === 409) refetch();
    },
  });
};
