import type { QueryClient } from "@tanstack/react-query";

import type { Project } from "../types";
import { projectKeys } from "./keys";

/** Add or replace a project in the cached list (in the server's order: oldest first) and its detail. */
export function storeProject(queryClient: QueryClient, project: Project): void {
  queryClient.setQueryData(projectKeys.detail(project.id), project);
  queryClient.setQueryData<Project[]>(projectKeys.list(), (projects) => {
    if (!projects) return projects;
    const others = projects.filter((p) => p.id !== project.id);
    return [...others, project].sort((a, b) => a.id - b.id);
  });
}
