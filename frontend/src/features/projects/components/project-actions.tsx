import { useEffect, useId, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Archive, ArchiveRestore, Loader2, Pencil, Trash2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useClearOnEdit } from "@/components/clear-on-edit";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { useDeleteProject } from "../api/delete-project";
import { deletionConfirmed, renameSchema, type RenameValues } from "../api/project-schemas";
import { useUpdateProject } from "../api/update-project";
import type { Project } from "../types";
import { Field } from "@/components/form-field";

export type ProjectPanel = "rename" | "archive" | "delete" | null;

/** The row's buttons: rename, archive and delete open a panel under the row; unarchive acts at once. */
export function ProjectActions({
  project,
  panel,
  onPanel,
}: {
  project: Project;
  panel: ProjectPanel;
  onPanel: (panel: ProjectPanel) => void;
}) {
  const update = useUpdateProject(project.id);
  const toggle = (next: ProjectPanel) => onPanel(panel === next ? null : next);
  return (
    <div className="flex flex-col items-end gap-1">
      {/* Icons alone (with a tooltip) unless the screen is wide: the table shares the page with the
          registration form, and labels would push the names out of sight sideways. The
          accessible name always says what and which. */}
      <div className="flex justify-end gap-0.5">
        <Button
          size="sm"
          variant="ghost"
          className="px-2"
          title="Rename"
          aria-label={`Rename ${project.name}`}
          aria-expanded={panel === "rename"}
          onClick={() => toggle("rename")}
        >
          <Pencil aria-hidden="true" />
          <span className="hidden 2xl:inline">Rename</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          className="px-2"
          title={project.archived ? "Unarchive" : "Archive"}
          aria-label={`${project.archived ? "Unarchive" : "Archive"} ${project.name}`}
          disabled={update.isPending}
          aria-expanded={project.archived ? undefined : panel === "archive"}
          onClick={() => (project.archived ? update.mutate({ archived: false }) : toggle("archive"))}
        >
          {project.archived ? <ArchiveRestore aria-hidden="true" /> : <Archive aria-hidden="true" />}
          <span className="hidden 2xl:inline">{project.archived ? "Unarchive" : "Archive"}</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          className="px-2 text-red-300 hover:text-red-200"
          title="Delete"
          aria-label={`Delete ${project.name}`}
          aria-expanded={panel === "delete"}
          onClick={() => toggle("delete")}
        >
          <Trash2 aria-hidden="true" />
          <span className="hidden 2xl:inline">Delete</span>
        </Button>
      </div>
      {update.error && <FormError message={errorMessage(update.error)} />}
    </div>
  );
}

/** Archiving asks first: the project stops taking issues and runs (undone with Unarchive). */
export function ArchivePanel({ project, onDone }: { project: Project; onDone: () => void }) {
  const update = useUpdateProject(project.id);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div
      role="group"
      aria-label={`Archive ${project.name}?`}
      className="grid gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 sm:max-w-lg"
      onKeyDown={(event) => {
        if (event.key === "Escape") onDone();
      }}
    >
      <p className="text-sm">
        Archive <strong>{project.name}</strong>? It stays readable but takes no new issues or runs, and is hidden from
        the lists. Runs in progress go on. Unarchive it any time.
      </p>
      <FormError message={errorMessage(update.error)} />
      <div className="flex gap-2">
        <Button
          size="sm"
          disabled={update.isPending}
          aria-busy={update.isPending}
          onClick={() => update.mutate({ archived: true }, { onSuccess: onDone })}
        >
          {update.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Archive this project
        </Button>
        <Button ref={keep} size="sm" variant="secondary" onClick={onDone}>
          Keep it active
        </Button>
      </div>
    </div>
  );
}

/** Rename in place; a name another project has comes back from the server as a sentence. */
export function RenamePanel({ project, onDone }: { project: Project; onDone: () => void }) {
  const update = useUpdateProject(project.id);
  const form = useForm<RenameValues>({ resolver: zodResolver(renameSchema), defaultValues: { name: project.name } });
  useClearOnEdit(form, update.reset);
  const onSubmit = form.handleSubmit(({ name }) => update.mutate({ name }, { onSuccess: onDone }));
  return (
    <form className="grid gap-2 sm:max-w-md" onSubmit={onSubmit} noValidate aria-label={`Rename ${project.name}`}>
      <Field
        label="New name"
        autoFocus
        autoComplete="off"
        registration={form.register("name")}
        error={form.formState.errors.name}
      />
      <FormError message={errorMessage(update.error)} />
      <div className="flex gap-2">
        <Button type="submit" size="sm" disabled={update.isPending} aria-busy={update.isPending}>
          {update.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Save name
        </Button>
        <Button type="button" size="sm" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/**
 * Deleting is for good (issues, agents, conversations, MCC's copy of the repository), so the
 * person types the project's name first. The server refuses while a run is in progress.
 */
export function DeletePanel({ project, onDone }: { project: Project; onDone: () => void }) {
  const remove = useDeleteProject(project.id);
  const [typed, setTyped] = useState("");
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const confirmed = deletionConfirmed(typed, project.name);

  useEffect(() => input.current?.focus(), []);

  return (
    <form
      className="grid gap-2 rounded-md border border-red-500/40 bg-red-500/10 p-3 sm:max-w-lg"
      aria-label={`Delete ${project.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (confirmed) remove.mutate(undefined, { onSuccess: onDone });
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onDone();
      }}
    >
      <p className="text-sm">
        This deletes <strong>{project.name}</strong> with its issues, pull requests, agents and conversations, and MCC's
        copy of the repository. The repository at <code className="font-mono text-xs">{project.repo_path}</code> is left
        as it is. Archive the project instead to keep its history.
      </p>
      <Label htmlFor={id}>Type the project's name to confirm</Label>
      <Input
        id={id}
        ref={input}
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        placeholder={project.name}
      />
      <FormError message={errorMessage(remove.error)} />
      <div className="flex gap-2">
        <Button
          type="submit"
          size="sm"
          variant="destructive"
          disabled={!confirmed || remove.isPending}
          aria-busy={remove.isPending}
        >
          {remove.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Delete this project
        </Button>
        <Button type="button" size="sm" variant="secondary" onClick={onDone}>
          Keep it
        </Button>
      </div>
    </form>
  );
}
