import { useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";
import { useNavigate } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormError } from "@/components/form-error";
import { useCreateProject } from "../api/create-project";

export function CreateProjectForm() {
  const navigate = useNavigate();
  const createProject = useCreateProject();
  const [name, setName] = useState("");
  const [repoPath, setRepoPath] = useState("");
  const [init, setInit] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim() || !repoPath.trim()) {
      setMissing("Name and repository path are both required.");
      return;
    }
    setMissing(null);
    createProject.mutate(
      { name: name.trim(), repo_path: repoPath.trim(), init },
      { onSuccess: (project) => navigate(`/projects/${project.id}`) },
    );
  };

  const error = missing ?? createProject.error?.message ?? null;

  return (
    <Card>
      <CardHeader>
        <CardTitle>Register a project</CardTitle>
        <CardDescription>Point MCC at a git repository on this machine, or let it create one.</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <div className="grid gap-2">
            <Label htmlFor="project-name">Name</Label>
            <Input
              id="project-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="My app"
              autoComplete="off"
              aria-required="true"
            />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="project-repo-path">Repository path</Label>
            <Input
              id="project-repo-path"
              value={repoPath}
              onChange={(e) => setRepoPath(e.target.value)}
              placeholder="/home/me/code/my-app"
              className="font-mono"
              autoComplete="off"
              spellCheck={false}
              aria-required="true"
            />
          </div>
          <div className="flex items-start gap-3">
            <input
              id="project-init"
              type="checkbox"
              checked={init}
              onChange={(e) => setInit(e.target.checked)}
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
          <FormError message={error} />
          <div>
            <Button type="submit" disabled={createProject.isPending} aria-busy={createProject.isPending}>
              {createProject.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
              Register project
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
