import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import { pullKeys } from "@/lib/query-keys";
import type { Issue, RejectIn } from "../types";
import { storeIssue } from "./issue-cache";

export const approveIssue = (projectId: number, number: number) =>
  api.post<Issue>(`/api/projects/${projectId}/issues/${number}/approve`);

export const rejectIssue = (projectId: number, number: number, input: RejectIn) =>
  api.post<Issue>(`/api/projects/${projectId}/issues/${number}/reject`, input);

/** Approve (release the merge) — the server answers 409 when the issue is not awaiting approval. */
export const useApproveIssue = (projectId: number, number: number) => {
  const queryClient = useQueryClient();
  return useMutation<Issue, ApiError, void>({
    mutationFn: () => approveIssue(projectId, number),
    onSuccess: (issue) => {
      storeIssue(queryClient, issue);
      void queryClient.invalidateQueries({ queryKey: pullKeys.project(projectId) });
    },
  });
};

/** Reject with feedback, which sends the issue back to the coders. */
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
