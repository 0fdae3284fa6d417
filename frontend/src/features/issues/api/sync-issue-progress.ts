import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { socket, type TaskProgressEvent } from "@/lib/socket";
import { pullKeys } from "@/features/pulls/api/keys";
import { useAuthStore } from "@/stores/auth";
import { useIssueProgressStore } from "@/stores/issue-progress";
import { issueKeys } from "./keys";
import { storePhase } from "./issue-cache";

// Entering these phases changes the pull request (opened, up for review, merged or closed).
const PULL_REQUEST_PHASES = new Set(["testing", "awaiting_approval", "done", "rejected"]);
/** A burst of events (a step ends, the next starts) refetches the issue detail once. */
const DETAIL_REFETCH_DELAY_MS = 300;

/**
 * Apply socket.io `task_progress` events to the query cache for the life of the app:
 * the phase changes in place at once; the issue detail (loop counts, agents at work, cost,
 * spec, test report) is refetched shortly after each event, debounced per issue; pull
 * request data is refetched when it moves.
 */
export function useIssueProgressSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();

    const refetchDetailSoon = (projectId: number, number: number) => {
      const key = `${projectId}/${number}`;
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          // Only an issue detail someone has open is fetched; others are marked stale.
          void queryClient.invalidateQueries({ queryKey: issueKeys.detail(projectId, number), exact: true });
        }, DETAIL_REFETCH_DELAY_MS),
      );
    };

    const onProgress = ({ project_id: projectId, issue_number: number, status, percent }: TaskProgressEvent) => {
      if (typeof percent === "number") useIssueProgressStore.getState().setPercent(projectId, number, percent);
      const previous = storePhase(queryClient, projectId, number, status);
      if (previous === null) {
        // An issue this page has not seen yet (e.g. filed by the orchestrator).
        void queryClient.invalidateQueries({ queryKey: issueKeys.list(projectId) });
        return;
      }
      if (previous !== status && PULL_REQUEST_PHASES.has(status)) {
        void queryClient.invalidateQueries({ queryKey: pullKeys.project(projectId) });
      }
      refetchDetailSoon(projectId, number);
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
    const unsubscribe = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") {
        useIssueProgressStore.getState().reset();
      }
    });
    return () => {
      socket.off("task_progress", onProgress);
      socket.off("connect", onConnect);
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    };
  }, [queryClient]);
}
