import { useEffect } from "react";

import { joinProject } from "@/lib/socket";

/** Subscribe to the socket.io room of a project while its page is shown. */
export function useProjectRoom(projectId: number): void {
  useEffect(() => {
    joinProject(projectId);
  }, [projectId]);
}
