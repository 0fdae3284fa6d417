import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import {
  projectOptionsChanges,
  projectOptionsSchema,
  projectOptionsValues,
  useSaveProjectOptions,
  type ProjectOptionsValues,
} from "../api/project-options";
import type { ProjectSettings } from "../types";
import { FieldMessage } from "@/components/form-field";
import { fieldIds, SaveRow } from "./form-parts";

function ProjectOptionsForm({
  project,
  onSaved,
}: {
  project: ProjectSettings;
  onSaved: (project: ProjectSettings) => void;
}) {
  const save = useSaveProjectOptions(onSaved);
  const ids = useId();
  const [saved, setSaved] = useState(false);
  const github = project.forge === "github";
  const form = useForm<ProjectOptionsValues>({
    resolver: zodResolver(projectOptionsSchema),
    values: projectOptionsValues(project),
    // Another tab's save (a `project` event) must not wipe what the person is typing here.
    resetOptions: { keepDirtyValues: true },
  });
  const errors = form.formState.errors;
  const touched = { onChange: () => setSaved(false) };

  const onSubmit = form.handleSubmit((values) => {
    setSaved(false);
    const changes = projectOptionsChanges(values, project);
    if (Object.keys(changes).length === 0) {
      setSaved(true);
      return;
    }
    save.mutate(
      { projectId: project.id, changes },
      {
        onSuccess: (stored) => {
          // What the server stored (a trimmed test command) becomes the form's clean state
          // (explicitly not keepDirtyValues, which `reset` would take from resetOptions).
          form.reset(projectOptionsValues(stored), { keepDirtyValues: false });
          setSaved(true);
        },
      },
    );
  });

  const test = fieldIds(ids, "test");
  const label = fieldIds(ids, "label");
  const spec = fieldIds(ids, "spec");
  const ci = fieldIds(ids, "ci");

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate aria-label={`Options of ${project.name}`}>
      <fieldset disabled={save.isPending} className="grid gap-4">
        <div className="grid gap-2">
          <Label htmlFor={test.id}>Test command</Label>
          <Input
            id={test.id}
            autoComplete="off"
            spellCheck={false}
            className="font-mono text-sm"
            placeholder="Detected from the repository"
            aria-invalid={errors.testCommand ? true : undefined}
            aria-describedby={`${test.errorId} ${test.hintId}`}
            {...form.register("testCommand", touched)}
          />
          <FieldMessage id={test.errorId} error={errors.testCommand} />
          <p id={test.hintId} className="text-xs text-muted-foreground">
            What the tester runs on each branch. Leave it empty to let MCC detect it (pytest, npm test, go test…).
          </p>
        </div>

        {github && (
          <div className="grid gap-2 sm:max-w-xs">
            <Label htmlFor={label.id}>Trigger label</Label>
            <Input
              id={label.id}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={errors.triggerLabel ? true : undefined}
              aria-describedby={`${label.errorId} ${label.hintId}`}
              {...form.register("triggerLabel", touched)}
            />
            <FieldMessage id={label.errorId} error={errors.triggerLabel} />
            <p id={label.hintId} className="text-xs text-muted-foreground">
              An issue on {project.github_repo ?? "GitHub"} with this label is handed to MCC.
            </p>
          </div>
        )}

        <div className="grid gap-1">
          <div className="flex items-center gap-2">
            <input
              id={spec.id}
              type="checkbox"
              className="h-4 w-4 cursor-pointer accent-sky-500"
              aria-describedby={spec.hintId}
              {...form.register("requireSpecApproval", touched)}
            />
            <Label htmlFor={spec.id}>Wait for my approval of the spec</Label>
          </div>
          <p id={spec.hintId} className="pl-6 text-xs text-muted-foreground">
            The architect's spec waits for you before anyone writes code.
          </p>
        </div>

        {github && (
          <div className="grid gap-1">
            <div className="flex items-center gap-2">
              <input
                id={ci.id}
                type="checkbox"
                className="h-4 w-4 cursor-pointer accent-sky-500"
                aria-describedby={ci.hintId}
                {...form.register("ignoreCi", touched)}
              />
              <Label htmlFor={ci.id}>Ignore the repository's CI</Label>
            </div>
            <p id={ci.hintId} className="pl-6 text-xs text-muted-foreground">
              Ask for your approval without waiting for the repository's own checks.
            </p>
          </div>
        )}

        <SaveRow label="Save project options" pending={save.isPending} saved={saved} />
      </fieldset>
      <FormError message={errorMessage(save.error)} />
    </form>
  );
}

/**
 * Each project's options: pick one, edit, save. The app passes the projects it keeps and
 * `onSaved`, which stores the saved project there (this feature does not own projects).
 */
export function ProjectOptionsSection({
  projects,
  onSaved,
}: {
  projects: ProjectSettings[];
  onSaved: (project: ProjectSettings) => void;
}) {
  const selectId = useId();
  const [chosenId, setChosenId] = useState<number | null>(null);
  const project = projects.find((p) => p.id === chosenId) ?? projects[0];

  if (!project) {
    return <p className="text-sm text-muted-foreground">No project yet: add one on the Projects page.</p>;
  }
  return (
    <div className="grid gap-4">
      <div className="grid gap-2">
        <Label htmlFor={selectId}>Project</Label>
        <Select
          id={selectId}
          className="sm:max-w-xs"
          value={project.id}
          onChange={(event) => setChosenId(Number(event.target.value))}
        >
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.forge === "github" && p.github_repo ? ` (${p.github_repo})` : ""}
              {p.archived ? " (archived)" : ""}
            </option>
          ))}
        </Select>
      </div>
      <ProjectOptionsForm key={project.id} project={project} onSaved={onSaved} />
    </div>
  );
}
