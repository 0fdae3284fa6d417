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

/**
 * A project was deleted (here or in another tab): out of the list; a page that shows it asks
 * once more and gets the "not found" page, the others ask nothing.
 */
export function removeProject(queryClient: QueryClient, projectId: number): void {
  queryClient.setQueryData<Project[]>(projectKeys.list(), (projects) => projects?.filter((p) => p.id !== projectId));
  void queryClient.invalidateQueries({ queryKey: projectKeys.detail(projectId), exact: true });
}

/** The projects a list shows: archived ones only when asked for. */
export function visibleProjects(projects: Project[], showArchived: boolean): Project[] {
  return showArchived ? projects : projects.filter((project) => !project.archived);
}
