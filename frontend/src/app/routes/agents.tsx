import { useEffect } from "react";
import { useQueries } from "@tanstack/react-query";
import { Link } from "react-router-dom";

import { QueryState } from "@/components/query-state";
import { STATUS_LABEL, StatusDot } from "@/components/agent-status";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { joinProject } from "@/lib/socket";
import { agentsQueryOptions } from "@/features/agents/api/get-agents";
import { useProjects } from "@/features/projects/api/get-projects";
import type { Project } from "@/features/projects/types";

function AgentTable({ projects }: { projects: Project[] }) {
  useEffect(() => {
    for (const project of projects) joinProject(project.id); // agent_status keeps the rows live
  }, [projects]);
  const lists = useQueries({ queries: projects.map((project) => agentsQueryOptions(project.id)) });
  const rows = projects.flatMap((project, index) => (lists[index]?.data ?? []).map((agent) => ({ agent, project })));
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">No agents yet.</p>;
  return (
    <Table aria-label="Agents">
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          <TableHead>Project</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Model</TableHead>
          <TableHead className="text-right">Budget share</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map(({ agent, project }) => (
          <TableRow key={agent.id}>
            <TableCell>
              <Link className="font-medium hover:underline" to={`/projects/${project.id}/agents/${agent.id}`}>
                {agent.name}
              </Link>{" "}
              <span className="text-xs text-muted-foreground">{agent.role}</span>
            </TableCell>
            <TableCell>
              <Link className="hover:underline" to={`/projects/${project.id}`}>
                {project.name}
              </Link>
            </TableCell>
            <TableCell>
              <span className="inline-flex items-center gap-1.5">
                <StatusDot status={agent.status} />
                {STATUS_LABEL[agent.status] ?? agent.status}
                {agent.current_task && <span className="truncate text-xs text-muted-foreground">· {agent.current_task}</span>}
                {agent.status === "error" && <span className="text-xs text-muted-foreground">· its last run failed</span>}
              </span>
            </TableCell>
            <TableCell className="font-mono text-xs">{agent.model}</TableCell>
            <TableCell className="text-right font-mono text-xs">
              {agent.budget_share_pct === null ? "—" : `${agent.budget_share_pct}%`}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** `/agents`: every agent of every project, with its status (live), model and budget share. */
export function AgentsRoute() {
  const projects = useProjects();
  return (
    <div className="mx-auto grid max-w-6xl grid-cols-1 gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Agents</h1>
        <p className="text-sm text-muted-foreground">Every agent across your projects. Open one to change it or give it a task.</p>
      </div>
      <QueryState query={projects} loading="Loading agents…">
        {(list) => <AgentTable projects={list} />}
      </QueryState>
    </div>
  );
}
