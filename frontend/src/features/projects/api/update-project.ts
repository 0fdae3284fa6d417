import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Project, ProjectUpdate } from "../types";
import { storeProject } from "./project-cache";

export const updateProject = (projectId: number, input: ProjectUpdate) =>
  unwrap(api.PATCH("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, body: input }));

/** Rename, archive or unarchive (and the project's options); the answer replaces the cached project. */
export const useUpdateProject = (projectId: number) => {
  const queryClient = useQueryClient();
  return useMutation<Project, ApiError, ProjectUpdate>({
    mutationFn: (input) => updateProject(projectId, input),
    onSuccess: (project) => storeProject(queryClient, project),
  });
};
