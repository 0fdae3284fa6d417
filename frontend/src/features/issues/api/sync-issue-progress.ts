import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { socket, type TaskProgressEvent } from "@/lib/socket";
import { pullKeys } from "@/features/pulls/api/keys";
import { issueKeys } from "./keys";
import { storePhase } from "./issue-cache";

// Entering these phases changes the pull request (opened, up for review, merged or closed).
const PULL_REQUEST_PHASES = new Set(["testing", "awaiting_approval", "done", "rejected"]);

/**
 * Apply socket.io `task_progress` events to the query cache for the life of the app:
 * the phase changes in place (no refetch); pull request data is refetched when it moves.
 */
export function useIssueProgressSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onProgress = ({ project_id: projectId, issue_number: number, status }: TaskProgressEvent) => {
      const previous = storePhase(queryClient, projectId, number, status);
      if (previous === null) {
        // An issue this page has not seen yet (e.g. filed by the orchestrator).
        void queryClient.invalidateQueries({ queryKey: issueKeys.list(projectId) });
        return;
      }
      if (previous !== status && PULL_REQUEST_PHASES.has(status)) {
        void queryClient.invalidateQueries({ queryKey: pullKeys.project(projectId) });
        void queryClient.invalidateQueries({ queryKey: issueKeys.detail(projectId, number) });
      }
    };

    // Events missed while disconnected are gone: refetch what is on screen after a reconnect.
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) {
        void queryClient.invalidateQueries({ queryKey: ["issues"] });
        void queryClient.invalidateQueries({ queryKey: ["issue"] });
      }
      connectedBefore = true;
    };

    socket.on("task_progress", onProgress);
    socket.on("connect", onConnect);
    return () => {
      socket.off("task_progress", onProgress);
      socket.off("connect", onConnect);
    };
  }, [queryClient]);
}
