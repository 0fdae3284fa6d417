import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2 } from "lucide-react";
import { useNavigate } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { useClearOnEdit } from "@/components/clear-on-edit";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { cn } from "@/lib/cn";
import { useCreateProject } from "../api/create-project";
import {
  githubProjectBody,
  githubProjectSchema,
  localProjectSchema,
  type GithubProjectValues,
  type LocalProjectValues,
} from "../api/project-schemas";
import type { Project } from "../types";
import { Field } from "@/components/form-field";

type Source = "local" | "github";

const SOURCES: { value: Source; label: string }[] = [
  { value: "local", label: "Local repository" },
  { value: "github", label: "GitHub" },
];

/** Register a project: a repository on this machine (or a new one), or a GitHub repository. */
export function CreateProjectForm() {
  const [source, setSource] = useState<Source>("local");

  return (
    <Card>
      <CardHeader>
        <CardTitle>Register a project</CardTitle>
        <CardDescription>
          Point MCC at a git repository on this machine, create one, or mirror one from GitHub.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div role="tablist" aria-label="Where the repository is" className="inline-flex w-fit rounded-md border p-0.5">
          {SOURCES.map((tab) => (
            <button
              key={tab.value}
              type="button"
              role="tab"
              id={`project-source-${tab.value}`}
              aria-selected={source === tab.value}
              aria-controls={`project-source-${tab.value}-panel`}
              onClick={() => setSource(tab.value)}
              className={cn(
                "rounded px-3 py-1 text-sm transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                source === tab.value ? "bg-secondary text-foreground" : "text-muted-foreground hover:text-foreground",
              )}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`project-source-${source}-panel`} aria-labelledby={`project-source-${source}`}>
          {source === "local" ? <LocalProjectForm /> : <GithubProjectForm />}
        </div>
      </CardContent>
    </Card>
  );
}

function useOpenProject() {
  const navigate = useNavigate();
  return (project: Project) => navigate(`/projects/${project.id}`);
}

function LocalProjectForm() {
  const createProject = useCreateProject();
  const open = useOpenProject();
  const form = useForm<LocalProjectValues>({
    resolver: zodResolver(localProjectSchema),
    defaultValues: { name: "", repoPath: "", init: false },
  });
  useClearOnEdit(form, createProject.reset);
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    createProject.mutate({ name: values.name, repo_path: values.repoPath, init: values.init }, { onSuccess: open }),
  );

  return (
    <form className="grid gap-3" onSubmit={onSubmit} noValidate aria-label="Register a local repository">
      <Field
        label="Name"
        placeholder="My app"
        autoComplete="off"
        registration={form.register("name")}
        error={errors.name}
      />
      <Field
        label="Repository path"
        placeholder="/home/me/code/my-app"
        className="font-mono"
        autoComplete="off"
        spellCheck={false}
        registration={form.register("repoPath")}
        error={errors.repoPath}
      />
      <div className="flex items-start gap-3">
        <input
          id="project-init"
          type="checkbox"
          {...form.register("init")}
          aria-describedby="project-init-hint"
          className="peer mt-0.5 h-4 w-4 shrink-0 cursor-pointer rounded accent-primary focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 ring-offset-background"
        />
        <div className="grid gap-1">
          <Label htmlFor="project-init" className="cursor-pointer">
            Create a new repository
          </Label>
          <p id="project-init-hint" className="text-xs text-muted-foreground">
            Runs <code className="font-mono">git init</code> at the path instead of using an existing repository.
          </p>
        </div>
      </div>
      <FormError message={errorMessage(createProject.error)} />
      <div>
        <Button type="submit" disabled={createProject.isPending} aria-busy={createProject.isPending}>
          {createProject.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Register project
        </Button>
      </div>
    </form>
  );
}

function GithubProjectForm() {
  const createProject = useCreateProject();
  const open = useOpenProject();
  const form = useForm<GithubProjectValues>({
    resolver: zodResolver(githubProjectSchema),
    defaultValues: { name: "", repo: "", token: "", triggerLabel: "" },
  });
  useClearOnEdit(form, createProject.reset);
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => createProject.mutate(githubProjectBody(values), { onSuccess: open }));

  return (
    <form className="grid gap-3" onSubmit={onSubmit} noValidate aria-label="Register a GitHub repository">
      <Field
        label="Name"
        placeholder="My app"
        autoComplete="off"
        registration={form.register("name")}
        error={errors.name}
      />
      <Field
        label="Repository (owner/name)"
        placeholder="octo-org/my-app"
        className="font-mono"
        autoComplete="off"
        spellCheck={false}
        registration={form.register("repo")}
        error={errors.repo}
      />
      <Field
        label="Personal access token (optional)"
        type="password"
        autoComplete="off"
        registration={form.register("token")}
        error={errors.token}
        hint="A fine-grained token with access to this repository, when no GitHub App is installed. Stored encrypted, never shown again."
      />
      <Field
        label="Trigger label (optional)"
        placeholder="mcc"
        autoComplete="off"
        registration={form.register("triggerLabel")}
        error={errors.triggerLabel}
        hint="Issues with this label on GitHub are handed to the agents (default: mcc)."
      />
      <FormError message={errorMessage(createProject.error)} />
      <div>
        <Button type="submit" disabled={createProject.isPending} aria-busy={createProject.isPending}>
          {createProject.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Register GitHub project
        </Button>
      </div>
    </form>
  );
}
