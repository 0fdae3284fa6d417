import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onProjectJoined, onResync, onServerEvent, type TaskProgressEvent } from "@/lib/socket";
import { useAuthStore } from "@/stores/auth";
import { useIssueProgressStore } from "@/stores/issue-progress";
import { issueKeys } from "./keys";
import { storePhase, storePull, storeSpend } from "./issue-cache";
import { AWAITING_APPROVAL } from "../types";

/** A burst of events (a phase ends, the next starts) refetches the issue detail once. */
const PHASE_REFETCH_DELAY_MS = 300;
/** Phase changes in quick succession refresh an open detail at most this often (the last one always). */
const PHASE_REFETCH_INTERVAL_MS = 10_000;
/**
 * Agent steps (same phase) change only the detail's cost and loop counters: refreshed at most
 * this often, so a page watching a long run stays far below the rate limit.
 */
const STEP_REFETCH_INTERVAL_MS = 20_000;

/**
 * Apply socket.io `task_progress` events to the query cache for the life of the app: the phase (and,
 * on an agent's step, the issue's spend and tokens) changes in place at once, in the list and the
 * detail. An open issue detail (loop counts, agents at work, spec, test report) is refetched shortly
 * after a phase change (at most every 10 s, but at once when the run starts waiting for a decision),
 * and at most every 20 s while agents only take steps. An issue the page has not seen yet (filed
 * elsewhere) refetches the project's list.
 */
export function useIssueProgressSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const lastFetched = new Map<string, number>();

    /** Refetch at least `delayMs` from now and `intervalMs` after the previous fetch. */
    const refetchDetail = (projectId: number, number: number, intervalMs: number) => {
      const key = `${projectId}/${number}`;
      const since = Date.now() - (lastFetched.get(key) ?? 0);
      const delayMs = Math.max(PHASE_REFETCH_DELAY_MS, intervalMs - since);
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          lastFetched.set(key, Date.now());
          // Only an issue detail someone has open is fetched; others are marked stale.
          void queryClient.invalidateQueries({ queryKey: issueKeys.detail(projectId, number), exact: true });
        }, delayMs),
      );
    };

    const onProgress = ({
      project_id: projectId,
      issue_number: number,
      status,
      percent,
      spend_usd: spend,
      tokens,
      pull_request: pull,
    }: TaskProgressEvent) => {
      if (typeof percent === "number") useIssueProgressStore.getState().setPercent(projectId, number, percent);
      // An agent's step carries the issue's spend and tokens so far: the list and the detail follow.
      if (spend) storeSpend(queryClient, projectId, number, spend, tokens);
      // A phase change carries the pull request as it is now (merged: counted in the
      // project's cost per merged pull request at once).
      if (pull) storePull(queryClient, projectId, number, pull);
      const previous = storePhase(queryClient, projectId, number, status);
      if (previous === null) {
        void queryClient.invalidateQueries({ queryKey: issueKeys.list(projectId), exact: true });
        return;
      }
      // The run waits for the person: what they decide on (the round and head just opened)
      // is fetched at once, not after the interval, as they are about to act on it.
      if (previous !== status)
        refetchDetail(projectId, number, status === AWAITING_APPROVAL ? 0 : PHASE_REFETCH_INTERVAL_MS);
      else if (!timers.has(`${projectId}/${number}`)) refetchDetail(projectId, number, STEP_REFETCH_INTERVAL_MS);
    };

    // Events missed while disconnected are replayed on reconnect; when the server no longer
    // has them (resync), refetch the project's issues.
    const stopResync = onResync((room) => {
      if (room.kind !== "project") return;
      void queryClient.invalidateQueries({ queryKey: issueKeys.list(room.id) });
      void queryClient.invalidateQueries({ queryKey: ["issue"] });
    });
    // Events sent between the first fetch and the first join were not for this socket yet.
    const stopProjectJoined = onProjectJoined((projectId, ack) => {
      if (ack.ok && ack.fresh) void queryClient.invalidateQueries({ queryKey: issueKeys.list(projectId) });
    });

    const stopProgress = onServerEvent("task_progress", onProgress);
    const unsubscribe = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") {
        useIssueProgressStore.getState().reset();
      }
    });
    return () => {
      stopProgress();
      stopResync();
      stopProjectJoined();
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    };
  }, [queryClient]);
}
