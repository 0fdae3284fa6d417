import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { updateFromEvent } from "@/lib/event-cache";
import { onResync, onServerEvent, type TaskProgressEvent } from "@/lib/socket";
import type { PullRequest } from "../types";
import { pullKeys } from "./keys";

/**
 * The project's list with `pull` in it: replaced where it is, added (newest first) where not.
 * One that did not change leaves the cached list as it was (the query cache's structural sharing).
 */
function withPull(pulls: PullRequest[], pull: PullRequest): PullRequest[] {
  const others = pulls.filter((p) => p.number !== pull.number);
  return [pull, ...others].sort((a, b) => b.number - a.number);
}

/**
 * For the life of the app: a phase change carries the pull request as it is now
 * (opened, a new head, merged or closed), which goes into the project's cached list in place.
 * Diffs are keyed by their head commit, so they are fetched again only when a new head shows.
 * Only a resync (events missed) fetches the list.
 */
export function usePullRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onProgress = ({ project_id: projectId, pull_request: pull }: TaskProgressEvent) => {
      if (!pull) return;
      updateFromEvent<PullRequest[]>(queryClient, pullKeys.list(projectId), (pulls) => pulls && withPull(pulls, pull));
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
