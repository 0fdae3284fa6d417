import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import type { GithubProjectCreate, Project, ProjectCreate } from "../types";
import { storeProject } from "./project-cache";

/** A local repository, or a GitHub one (whose `repo_path` the server derives). */
export type NewProject = ProjectCreate | GithubProjectCreate;

export const createProject = (input: NewProject) => api.post<Project>("/api/projects", input);

export const useCreateProject = () => {
  const queryClient = useQueryClient();
  return useMutation<Project, ApiError, NewProject>({
    mutationFn: createProject,
    onSuccess: (project) => storeProject(queryClient, project),
  });
};
