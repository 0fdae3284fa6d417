import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onResync, onServerEvent, type TaskProgressEvent } from "@/lib/socket";
import { pullKeys } from "./keys";

// Entering these phases changes the pull request (opened, up for review, merged or closed).
const PULL_REQUEST_PHASES = new Set(["testing", "awaiting_approval", "done", "rejected"]);

/**
 * For the life of the app: a phase change that moves a pull request refetches the project's
 * list of pull requests (the event does not carry them), once per phase. Diffs are keyed by
 * their head commit, so they are fetched again only when a list or issue shows a new head.
 */
export function usePullRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const lastPhase = new Map<string, string>();
    const onProgress = ({ task_id: runId, project_id: projectId, status }: TaskProgressEvent) => {
      if (lastPhase.get(runId) === status) return;
      lastPhase.set(runId, status);
      if (PULL_REQUEST_PHASES.has(status)) {
        void queryClient.invalidateQueries({ queryKey: pullKeys.list(projectId), exact: true });
      }
    };
    const stopResync = onResync((room) => {
      if (room.kind === "project")
        void queryClient.invalidateQueries({ queryKey: pullKeys.list(room.id), exact: true });
    });
    const stopProgress = onServerEvent("task_progress", onProgress);
    return () => {
      stopProgress();
      stopResync();
    };
  }, [queryClient]);
}
