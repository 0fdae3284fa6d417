import { useMutation } from "@tanstack/react-query";
import { z } from "zod";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { ProjectOptionsInput, ProjectSettings } from "../types";

/**
 * A project's options. The trigger label follows GitHub's own rules for label names (1 to 50
 * characters, no space at either end), as the server does, so the sentence shows before a save.
 */
export const projectOptionsSchema = z.object({
  testCommand: z.string().max(1000, { message: "The test command can be at most 1000 characters long." }),
  triggerLabel: z
    .string()
    .refine((value) => value.trim() !== "", { message: "The trigger label cannot be empty." })
    .refine((value) => value.trim() === "" || value === value.trim(), {
      message: "The trigger label cannot start or end with a space.",
    })
    .refine((value) => value.length <= 50, { message: "The trigger label can be at most 50 characters long." }),
  requireSpecApproval: z.boolean(),
  ignoreCi: z.boolean(),
});

export type ProjectOptionsValues = z.infer<typeof projectOptionsSchema>;

export function projectOptionsValues(project: ProjectSettings): ProjectOptionsValues {
  return {
    testCommand: project.test_command ?? "",
    triggerLabel: project.trigger_label ?? "",
    requireSpecApproval: project.require_spec_approval ?? false,
    ignoreCi: project.ignore_ci ?? false,
  };
}

/** What to send for the form's values: only the options that change (GitHub-only ones only on GitHub projects). */
export function projectOptionsChanges(values: ProjectOptionsValues, project: ProjectSettings): ProjectOptionsInput {
  const current = projectOptionsValues(project);
  const changes: ProjectOptionsInput = {};
  const testCommand = values.testCommand.trim();
  if (testCommand !== current.testCommand) changes.test_command = testCommand;
  if (values.requireSpecApproval !== current.requireSpecApproval)
    changes.require_spec_approval = values.requireSpecApproval;
  if (project.forge === "github") {
    if (values.triggerLabel !== current.triggerLabel) changes.trigger_label = values.triggerLabel;
    if (values.ignoreCi !== current.ignoreCi) changes.ignore_ci = values.ignoreCi;
  }
  return changes;
}

export const updateProjectOptions = (projectId: number, body: ProjectOptionsInput) =>
  unwrap(api.PATCH("/api/projects/{project_id}", { params: { path: { project_id: projectId } }, body }));

/** Saves a project's options; `onSaved` puts the answer where the app keeps projects. */
export const useSaveProjectOptions = (onSaved: (project: ProjectSettings) => void) =>
  useMutation<ProjectSettings, ApiError, { projectId: number; changes: ProjectOptionsInput }>({
    mutationFn: ({ projectId, changes }) => updateProjectOptions(projectId, changes),
    onSuccess: (project) => onSaved(project),
  });
