import { useEffect, useId, useState } from "react";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { QueryState } from "@/components/query-state";
import { joinProject } from "@/lib/socket";
import { useAllAgents } from "@/features/agents/api/get-agents";
import { AgentsTable } from "@/features/agents/components/agents-table";
import { CreateAgentForm } from "@/features/agents/components/agent-forms";
import { RulesEditor } from "@/features/agents/components/rules-editor";
import { useProjects } from "@/features/projects/api/get-projects";
import { useEmergencyPause } from "@/features/system/api/get-system-state";
import type { Project } from "@/features/projects/types";

function ProjectRules({ projects }: { projects: Project[] }) {
  const [projectId, setProjectId] = useState<number | null>(projects[0]?.id ?? null);
  const selectId = useId();
  if (projectId === null)
    return <p className="text-sm text-muted-foreground">Add a project first: its repository holds the rule files.</p>;
  return (
    <div className="grid gap-4">
      <div className="grid gap-1.5 sm:max-w-xs">
        <Label htmlFor={selectId}>Project</Label>
        <Select id={selectId} value={projectId} onChange={(event) => setProjectId(Number(event.target.value))}>
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </Select>
      </div>
      <RulesEditor projectId={projectId} />
    </div>
  );
}

function AgentsPage({ projects }: { projects: Project[] }) {
  const agents = useAllAgents();
  const emergencyPause = useEmergencyPause();
  useEffect(() => {
    for (const project of projects) joinProject(project.id); // status, created, edited, deleted: live
  }, [projects]);
  return (
    <>
      <Card>
        <CardContent className="pt-6">
          <QueryState query={agents} loading="Loading agents…">
            {(list) => <AgentsTable agents={list} projects={projects} emergencyPause={emergencyPause} />}
          </QueryState>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>New agent</CardTitle>
          <CardDescription>It joins the project's company and can be given tasks right away.</CardDescription>
        </CardHeader>
        <CardContent>
          {projects.length === 0 ? (
            <p className="text-sm text-muted-foreground">Add a project first: every agent works in one.</p>
          ) : (
            <CreateAgentForm projects={projects} />
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Rules</CardTitle>
          <CardDescription>
            The project's <code>.mcc/AGENTS.md</code> (every agent) and one file per role, read fresh for every task
            from the default branch.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ProjectRules projects={projects} />
        </CardContent>
      </Card>
    </>
  );
}

/** `/agents`: every agent of every project (live), adding, editing and deleting them, and the rules they read. */
export function AgentsRoute() {
  const projects = useProjects();
  return (
    <div className="mx-auto grid max-w-6xl grid-cols-1 gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Agents</h1>
        <p className="text-sm text-muted-foreground">
          Every agent across your projects: what each is doing and why, what it costs today, and the rules it reads.
        </p>
      </div>
      <QueryState query={projects} loading="Loading agents…">
        {(list) => <AgentsPage projects={list} />}
      </QueryState>
    </div>
  );
}

export default AgentsRoute;
