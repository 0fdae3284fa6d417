import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import type { Project, ProjectCreate } from "../types";
import { projectKeys } from "./keys";

export const createProject = (input: ProjectCreate) => api.post<Project>("/api/projects", input);

export const useCreateProject = () => {
  const queryClient = useQueryClient();
  return useMutation<Project, ApiError, ProjectCreate>({
    mutationFn: createProject,
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(project.id), project);
      void queryClient.invalidateQueries({ queryKey: projectKeys.list() });
    },
  });
};
