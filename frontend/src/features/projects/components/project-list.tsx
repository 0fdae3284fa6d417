import { FolderGit2 } from "lucide-react";
import { Link } from "react-router-dom";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { QueryState } from "@/components/query-state";
import { formatDateTime } from "@/lib/format";
import { useProjects } from "../api/get-projects";

export function ProjectList() {
  const projects = useProjects();

  return (
    <Card>
      <CardHeader>
        <CardTitle>Projects</CardTitle>
        <CardDescription>Each project is a git repository the agents work in.</CardDescription>
      </CardHeader>
      <CardContent>
        <QueryState query={projects} loading="Loading projects…">
          {(list) =>
            list.length === 0 ? (
              <div className="flex flex-col items-center gap-2 py-10 text-center text-sm text-muted-foreground">
                <FolderGit2 className="h-8 w-8" aria-hidden="true" />
                No projects yet. Register one to start filing issues.
              </div>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead>Repository</TableHead>
                    <TableHead className="hidden lg:table-cell">Branch</TableHead>
                    <TableHead className="hidden lg:table-cell">Created</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {list.map((project) => (
                    <TableRow key={project.id}>
                      <TableCell className="font-medium">
                        <Link to={`/projects/${project.id}`} className="hover:underline">
                          {project.name}
                        </Link>
                        <div className="text-xs text-muted-foreground">{project.slug}</div>
                      </TableCell>
                      <TableCell className="max-w-[24rem] truncate font-mono text-xs" title={project.repo_path}>
                        {project.repo_path}
                      </TableCell>
                      <TableCell className="hidden font-mono text-xs lg:table-cell">{project.default_branch}</TableCell>
                      <TableCell className="hidden text-muted-foreground lg:table-cell">
                        {formatDateTime(project.created_at)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )
          }
        </QueryState>
      </CardContent>
    </Card>
  );
}
