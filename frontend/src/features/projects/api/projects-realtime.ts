import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onResync, onServerEvent, type ProjectEvent } from "@/lib/socket";
import { removeProject, storeProject } from "./project-cache";
import { projectKeys } from "./keys";

/**
 * For the life of the app: a project registered, changed or deleted in another tab (`project`,
 * `project_removed`, the user's own room) goes into the cache; the list is fetched again only when the server can no
 * longer replay what this tab missed (resync of the user's room).
 */
export function useProjectRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onProject = (event: ProjectEvent) => storeProject(queryClient, event);
    const stopProject = onServerEvent("project", onProject);
    const stopRemoved = onServerEvent("project_removed", (event) => removeProject(queryClient, event.project_id));
    const stopResync = onResync((room) => {
      if (room.kind === "user") void queryClient.invalidateQueries({ queryKey: projectKeys.list() });
    });
    return () => {
      stopProject();
      stopRemoved();
      stopResync();
    };
  }, [queryClient]);
}
