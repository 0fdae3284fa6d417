import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import { pullKeys } from "@/lib/query-keys";
import type { ApproveIn, Issue, RejectIn } from "../types";
import { storeIssue } from "./issue-cache";

export const approveIssue = (projectId: number, number: number, input: ApproveIn) =>
  unwrap(
    api.POST("/api/projects/{project_id}/issues/{number}/approve", {
      params: { path: { project_id: projectId, number } },
      body: input,
    }),
  );

export const rejectIssue = (projectId: number, number: number, input: RejectIn) =>
  unwrap(
    api.POST("/api/projects/{project_id}/issues/{number}/reject", {
      params: { path: { project_id: projectId, number } },
      body: input,
    }),
  );

/**
 * Approve the round (and head commit) the page shows. The server answers 409 when another
 * decision took that round first, the round is over, or the branch moved since.
 */
export const useApproveIssue = (projectId: number, number: number) => {
  const queryClient = useQueryClient();
  return useMutation<Issue, ApiError, ApproveIn>({
    mutationFn: (input) => approveIssue(projectId, number, input),
    onSuccess: (issue) => {
      storeIssue(queryClient, issue);
      void queryClient.invalidateQueries({ queryKey: pullKeys.project(projectId) });
    },
  });
};

/** Reject the shown round with feedback, which sends the issue back to the coders. */
export const useRejectIssue = (projectId: number, number: number) => {
  const queryClient = useQueryClient();
  return useMutation<Issue, ApiError, RejectIn>({
    mutationFn: (input) => rejectIssue(projectId, number, input),
    onSuccess: (issue) => {
      storeIssue(queryClient, issue);
      void queryClient.invalidateQueries({ queryKey: pullKeys.project(projectId) });
    },
  });
};
