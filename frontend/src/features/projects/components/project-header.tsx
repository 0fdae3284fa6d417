import { GitBranch } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import type { Project } from "../types";

export function ProjectHeader({ project }: { project: Project }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="truncate text-2xl font-bold tracking-tight">{project.name}</h1>
        <p className="truncate font-mono text-xs text-muted-foreground" title={project.repo_path}>
          {project.repo_path}
        </p>
      </div>
      <div className="flex items-center gap-2">
        {project.archived && (
          <Badge variant="secondary" title="Archived: no new issues or runs. Unarchive it on the Projects page.">
            archived
          </Badge>
        )}
        <Badge variant="secondary" className="gap-1 font-mono font-normal">
          <GitBranch className="h-3 w-3" aria-hidden="true" />
          {project.default_branch}
        </Badge>
        <Badge variant="outline" className="font-mono font-normal">
          {project.slug}
        </Badge>
      </div>
    </div>
  );
}
