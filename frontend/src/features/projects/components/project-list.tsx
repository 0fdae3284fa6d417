import { Fragment, useState } from "react";
import { FolderGit2 } from "lucide-react";
import { Link, useSearchParams } from "react-router-dom";

import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { QueryState } from "@/components/query-state";
import { useProjects } from "../api/get-projects";
import { visibleProjects } from "../api/project-cache";
import type { Project } from "../types";
import { ArchivePanel, DeletePanel, ProjectActions, RenamePanel, type ProjectPanel } from "./project-actions";

/** The projects; archived ones only with "Show archived" (kept in the URL, so a reload keeps it). */
export function ProjectList() {
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const showArchived = params.get("archived") === "1";
  const setShowArchived = (show: boolean) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (show) next.set("archived", "1");
        else next.delete("archived");
        return next;
      },
      // At once, not in a transition: the checkbox is controlled by the URL and must not lag the click.
      { replace: true, flushSync: true },
    );

  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-2 space-y-0">
        <div className="grid gap-1.5">
          <CardTitle>Projects</CardTitle>
          <CardDescription>Each project is a git repository the agents work in.</CardDescription>
        </div>
        <label className="flex cursor-pointer items-center gap-2 text-sm text-muted-foreground">
          <input
            type="checkbox"
            checked={showArchived}
            onChange={(event) => setShowArchived(event.target.checked)}
            className="h-4 w-4 accent-primary"
          />
          Show archived
          {projects.data && ` (${projects.data.filter((p) => p.archived).length})`}
        </label>
      </CardHeader>
      <CardContent>
        <QueryState query={projects} loading="Loading projects…">
          {(all) => {
            const list = visibleProjects(all, showArchived);
            if (list.length === 0) {
              return (
                <div className="flex flex-col items-center gap-2 py-10 text-center text-sm text-muted-foreground">
                  <FolderGit2 className="h-8 w-8" aria-hidden="true" />
                  {all.length === 0
                    ? "No projects yet. Register one to start filing issues."
                    : "Every project is archived. Tick “Show archived” to see them."}
                </div>
              );
            }
            return (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead className="hidden md:table-cell">Repository</TableHead>
                    <TableHead className="text-right">
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {list.map((project) => (
                    <ProjectRow key={project.id} project={project} />
                  ))}
                </TableBody>
              </Table>
            );
          }}
        </QueryState>
      </CardContent>
    </Card>
  );
}

function ProjectRow({ project }: { project: Project }) {
  const [panel, setPanel] = useState<ProjectPanel>(null);
  const close = () => setPanel(null);
  return (
    <Fragment>
      <TableRow data-archived={project.archived || undefined}>
        <TableCell className="max-w-0 font-medium sm:max-w-none">
          <div className="flex min-w-0 items-center gap-2">
            <Link to={`/projects/${project.id}`} className="truncate hover:underline" title={project.name}>
              {project.name}
            </Link>
            {project.archived && <Badge variant="secondary">archived</Badge>}
            {project.forge === "github" && (
              <Badge variant="outline" className="font-normal">
                GitHub
              </Badge>
            )}
          </div>
          <div className="truncate text-xs text-muted-foreground">{project.slug}</div>
        </TableCell>
        <TableCell className="hidden max-w-0 truncate font-mono text-xs md:table-cell" title={project.repo_path}>
          {project.github_repo ?? project.repo_path}
        </TableCell>
        <TableCell className="w-px whitespace-nowrap text-right">
          <ProjectActions project={project} panel={panel} onPanel={setPanel} />
        </TableCell>
      </TableRow>
      {panel !== null && (
        <TableRow className="hover:bg-transparent">
          <TableCell colSpan={3}>
            {/* w-0 min-w-full: the panel takes the table's width and never widens it (the names
                would scroll out of sight sideways). */}
            <div className="w-0 min-w-full">
              {panel === "rename" && <RenamePanel project={project} onDone={close} />}
              {panel === "archive" && <ArchivePanel project={project} onDone={close} />}
              {panel === "delete" && <DeletePanel project={project} onDone={close} />}
            </div>
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}
