import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { GithubProjectCreate, Project, ProjectCreate } from "../types";
import { storeProject } from "./project-cache";

/** A local repository, or a GitHub one (whose `repo_path` the server derives from `github.repo`). */
export type NewProject = ProjectCreate | GithubProjectCreate;

export const createProject = (input: NewProject) =>
  // The schema marks `repo_path` required (its validator fills it in for a GitHub project).
  unwrap(api.POST("/api/projects", { body: input as ProjectCreate }));

export const useCreateProject = () => {
  const queryClient = useQueryClient();
  return useMutation<Project, ApiError, NewProject>({
    mutationFn: createProject,
    onSuccess: (project) => storeProject(queryClient, project),
  });
};
