import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Project, ProjectCreate } from "../types";
import { storeProject } from "./project-cache";

export const createProject = (input: ProjectCreate) => unwrap(api.POST("/api/projects", { body: input }));

export const useCreateProject = () => {
  const queryClient = useQueryClient();
  return useMutation<Project, ApiError, ProjectCreate>({
    mutationFn: createProject,
    onSuccess: (project) => storeProject(queryClient, project),
  });
};
