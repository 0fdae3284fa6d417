import { useEffect } from "react";
import { useQueries, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { QueryState } from "@/components/query-state";
import { StatusDot } from "@/components/agent-status";
import { formatUsd } from "@/lib/format";
import { joinProject } from "@/lib/socket";
import { agentsQueryOptions } from "@/features/agents/api/get-agents";
import { shownStatus } from "@/features/agents/shown-status";
import { summaryQueryOptions } from "@/features/budget/api/get-summary";
import { issuesQueryOptions } from "@/features/issues/api/get-issues";
import { PhaseBadge } from "@/features/issues/components/phase-badge";
import { isPhaseActive } from "@/features/issues/phases";
import type { Issue } from "@/features/issues/types";
import { useProjects } from "@/features/projects/api/get-projects";
import { useEmergencyPause } from "@/features/system/api/get-system-state";
import type { Project } from "@/features/projects/types";

/** Phases in which the run waits for the person. */
const NEEDS_YOU = new Set(["awaiting_approval", "needs_attention", "budget_blocked", "paused"]);
const RECENT_MERGES = 5;

function IssueRow({ issue, project }: { issue: Issue; project: Project }) {
  return (
    <li className="flex flex-wrap items-center gap-2 py-1.5">
      <PhaseBadge phase={issue.phase} />
      <Link
        className="min-w-0 font-medium [overflow-wrap:anywhere] hover:underline"
        to={`/projects/${project.id}/issues/${issue.number}`}
      >
        {issue.title}
      </Link>
      <span className="text-xs text-muted-foreground">
        {project.name} #{issue.number}
      </span>
    </li>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

function Empty({ children }: { children: string }) {
  return <p className="text-sm text-muted-foreground">{children}</p>;
}

/** Every project's issues and agents, kept live by the project rooms (events update the caches). */
function Overview({ projects }: { projects: Project[] }) {
  useEffect(() => {
    for (const project of projects) joinProject(project.id);
  }, [projects]);
  const issues = useQueries({ queries: projects.map((project) => issuesQueryOptions(project.id)) });
  const agents = useQueries({ queries: projects.map((project) => agentsQueryOptions(project.id)) });
  // Spending has no event of its own; once a minute is enough for a glance.
  const summary = useQuery({ ...summaryQueryOptions({}), refetchInterval: 60_000 });
  const emergencyPause = useEmergencyPause();

  const rows = projects.flatMap((project, index) => (issues[index]?.data ?? []).map((issue) => ({ issue, project })));
  const needsYou = rows.filter(({ issue }) => NEEDS_YOU.has(issue.phase));
  const running = rows.filter(({ issue }) => isPhaseActive(issue.phase));
  const merged = rows
    .filter(({ issue }) => issue.phase === "done")
    .sort((a, b) => b.issue.created_at.localeCompare(a.issue.created_at))
    .slice(0, RECENT_MERGES);
  // A paused agent keeps its task, but it is not at work.
  const working = projects.flatMap((project, index) =>
    (agents[index]?.data ?? [])
      .filter((agent) => !["idle", "paused"].includes(shownStatus(agent, emergencyPause)))
      .map((agent) => ({ agent, project })),
  );
  const today = summary.data?.levels.find((level) => level.scope === "global");

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <div className="lg:col-span-2">
        <Section
          title="Needs you now"
          description="Waiting for your approval, your attention, more budget or a resume."
        >
          {needsYou.length === 0 ? (
            <Empty>Nothing waits for you.</Empty>
          ) : (
            <ul aria-label="Needs you now" className="divide-y divide-border">
              {needsYou.map(({ issue, project }) => (
                <IssueRow key={`${project.id}/${issue.number}`} issue={issue} project={project} />
              ))}
            </ul>
          )}
        </Section>
      </div>
      <Section title="At work" description="Issues whose runs are moving, and the agents on them.">
        {running.length === 0 && working.length === 0 ? (
          <Empty>No run is moving.</Empty>
        ) : (
          <div className="grid gap-3">
            <ul aria-label="Issues at work" className="divide-y divide-border">
              {running.map(({ issue, project }) => (
                <IssueRow key={`${project.id}/${issue.number}`} issue={issue} project={project} />
              ))}
            </ul>
            <ul aria-label="Agents at work" className="grid gap-1">
              {working.map(({ agent, project }) => (
                <li key={agent.id} className="flex items-center gap-2 text-sm">
                  <StatusDot status={agent.status} />
                  <Link
                    className="min-w-0 [overflow-wrap:anywhere] hover:underline"
                    to={`/projects/${project.id}/agents/${agent.id}`}
                  >
                    {agent.name}
                  </Link>
                  <span className="truncate text-xs text-muted-foreground">
                    {project.name}
                    {agent.current_task
                      ? ` · ${agent.current_task}`
                      : agent.status === "error"
                        ? " · its last run failed"
                        : ""}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Section>
      <Section title="Today's spend" description="What the agents spent today against the daily limit.">
        <QueryState query={summary} loading="Loading spend…">
          {() =>
            today ? (
              <p className="text-sm">
                <span className="font-mono text-lg">{formatUsd(today.spent_usd)}</span>
                {today.limit_usd !== null && (
                  <span className="text-muted-foreground">
                    {" "}
                    of <span className="font-mono">{formatUsd(today.limit_usd)}</span> ({Math.round(today.percent ?? 0)}
                    %)
                  </span>
                )}{" "}
                ·{" "}
                <Link className="underline" to="/budget">
                  Budget
                </Link>
              </p>
            ) : (
              <Empty>No spending today.</Empty>
            )
          }
        </QueryState>
      </Section>
      <div className="lg:col-span-2">
        <Section title="Recently merged" description="The last pull requests you approved.">
          {merged.length === 0 ? (
            <Empty>Nothing merged yet.</Empty>
          ) : (
            <ul aria-label="Recently merged" className="divide-y divide-border">
              {merged.map(({ issue, project }) => (
                <IssueRow key={`${project.id}/${issue.number}`} issue={issue} project={project} />
              ))}
            </ul>
          )}
        </Section>
      </div>
    </div>
  );
}

/** `/`: what needs the person now across all projects, then what is at work and what it costs. */
export function DashboardRoute() {
  const projects = useProjects();
  return (
    <div className="mx-auto grid max-w-6xl grid-cols-1 gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Dashboard</h1>
        <p className="text-sm text-muted-foreground">
          What needs you across all projects. Ask your{" "}
          <Link className="underline" to="/orchestrator">
            orchestrator
          </Link>{" "}
          to file issues, report status or pause runs.
        </p>
      </div>
      <QueryState query={projects} loading="Loading projects…">
        {(list) =>
          list.length === 0 ? (
            <p className="text-sm">
              No projects yet.{" "}
              <Link className="underline" to="/projects">
                Register one
              </Link>{" "}
              to get started.
            </p>
          ) : (
            <Overview projects={list} />
          )
        }
      </QueryState>
    </div>
  );
}
