import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { IssueCreate, IssueCreated } from "../types";
import { storeIssue } from "./issue-cache";

export const createIssue = (projectId: number, input: IssueCreate) =>
  unwrap(api.POST("/api/projects/{project_id}/issues", { params: { path: { project_id: projectId } }, body: input }));

export const useCreateIssue = (projectId: number) => {
  const queryClient = useQueryClient();
  return useMutation<IssueCreated, ApiError, IssueCreate>({
    mutationFn: (input) => createIssue(projectId, input),
    // The cache holds issues: whether the run started is this answer's alone.
    onSuccess: ({ run_started: _started, notice: _notice, ...issue }) => storeIssue(queryClient, issue),
  });
};
