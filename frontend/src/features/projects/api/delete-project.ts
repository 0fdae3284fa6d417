import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import { removeProject } from "./project-cache";

export const deleteProject = async (projectId: number): Promise<void> => {
  await api.DELETE("/api/projects/{project_id}", { params: { path: { project_id: projectId } } });
};

/** Delete a project (the server refuses with 409 while a run is in progress). */
export const useDeleteProject = (projectId: number) => {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError, void>({
    mutationFn: () => deleteProject(projectId),
    onSuccess: () => removeProject(queryClient, projectId),
  });
};
