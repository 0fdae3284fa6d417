import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { socket, type ProjectEvent } from "@/lib/socket";
import { storeProject } from "./project-cache";
import { projectKeys } from "./keys";

/**
 * For the life of the app: a project registered or changed in another tab (`project`, the
 * user's own room) goes into the cache; after a reconnect the list is fetched again.
 */
export function useProjectRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onProject = (event: ProjectEvent) => storeProject(queryClient, event);
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) void queryClient.invalidateQueries({ queryKey: projectKeys.list() });
      connectedBefore = true;
    };
    socket.on("project", onProject);
    socket.on("connect", onConnect);
    return () => {
      socket.off("project", onProject);
      socket.off("connect", onConnect);
    };
  }, [queryClient]);
}
