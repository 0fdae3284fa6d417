import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { Link, Outlet, useMatch, useParams } from "react-router-dom";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { QueryState } from "@/components/query-state";
import { cn } from "@/lib/cn";
import { ChannelList } from "../project/channel-list";
import { ChannelsFold } from "../project/channels-fold";
import { useTopOnNavigation } from "../shell/top-on-navigation";
import { CreateIssueForm } from "@/features/issues/components/create-issue-form";
import { IssuesTable } from "@/features/issues/components/issues-table";
import { isNotFound } from "@/lib/not-found";
import { issueQueryOptions } from "@/features/issues/api/get-issue";
import { useProject } from "@/features/projects/api/get-project";
import { useProjectRoom } from "@/features/projects/api/project-room";
import { ProjectHeader } from "@/features/projects/components/project-header";
import { PullsList } from "@/features/pulls/components/pulls-list";
import { NotFoundRoute } from "./not-found";
import { positiveInt } from "./params";

/** `/projects/:projectId/*`: the project's channels on the left, the chosen one beside them. */
export function ProjectRoute() {
  const projectId = positiveInt(useParams().projectId);
  if (projectId === null) return <NotFoundRoute />;
  return <ProjectLayout projectId={projectId} />;
}

function ProjectLayout({ projectId }: { projectId: number }) {
  const project = useProject(projectId);
  useProjectRoom(projectId);
  const pane = useRef<HTMLDivElement>(null);
  useTopOnNavigation(pane);
  const overview = useMatch("/projects/:projectId") !== null;

  // A project that does not exist (or is another person's): one "not found" page, no panels.
  if (isNotFound(project.error)) return <NotFoundRoute />;

  return (
    <div className="flex flex-col gap-4 lg:h-full lg:flex-row lg:gap-6">
      {/* Its own scroll area on wide screens, so the channels stay in place (positioned: see AppShell's main). */}
      <div
        ref={pane}
        className={cn("relative min-w-0 flex-1 lg:order-last lg:overflow-y-auto lg:pr-1", overview && "order-last")}
      >
        <Outlet />
      </div>
      {/* Stacked (phones): an issue, conversation or agent first, the channels after it; on the overview the
          channels first, not below every card of the long page, and folded to one row until opened. */}
      <ChannelsFold projectId={projectId}>
        <ChannelList projectId={projectId} projectName={project.data?.name} />
      </ChannelsFold>
    </div>
  );
}

/** `/projects/:projectId` and `/projects/:projectId/issues/:issueNumber`: issues, new issue, pull requests. */
export function ProjectOverviewRoute() {
  const params = useParams();
  const projectId = positiveInt(params.projectId);
  const issueOpen = params.issueNumber !== undefined;
  const issueNumber = positiveInt(params.issueNumber);
  if (projectId === null || (issueOpen && issueNumber === null)) return <NotFoundRoute />;
  return <ProjectOverview projectId={projectId} issueNumber={issueNumber} />;
}

function ProjectOverview({ projectId, issueNumber }: { projectId: number; issueNumber: number | null }) {
  const project = useProject(projectId);
  const issueOpen = issueNumber !== null;
  // The same query the issue's panel makes (one request): an issue that does not exist is
  // the "not found" page, not an error box beside the list.
  const issue = useQuery({ ...issueQueryOptions(projectId, issueNumber ?? 0), enabled: issueOpen });
  if (issueOpen && isNotFound(issue.error)) return <NotFoundRoute />;

  return (
    <div className={cn("mx-auto grid grid-cols-1 gap-6", issueOpen ? "max-w-[100rem]" : "max-w-5xl")}>
      <QueryState query={project} loading="Loading project…">
        {(data) => <ProjectHeader project={data} />}
      </QueryState>
      <div
        className={cn("grid grid-cols-1 items-start gap-6", issueOpen && "2xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]")}
      >
        {/* Before the list in the document, as on screen when stacked: scroll anchoring keeps the first
            visible node in document order in place, so with the list first, the detail growing above it
            (the issue, then its diff) pushed the pane down to the list. */}
        {issueOpen && (
          <div className="min-w-0 2xl:order-last">
            <Outlet />
          </div>
        )}
        <div className="grid min-w-0 grid-cols-1 gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Issues</CardTitle>
              <CardDescription>Phases update live as the workflows move.</CardDescription>
            </CardHeader>
            <CardContent>
              <IssuesTable projectId={projectId} compact={issueOpen} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>New issue</CardTitle>
              <CardDescription>The architect plans it, the coders build it, you approve the merge.</CardDescription>
            </CardHeader>
            <CardContent>
              {project.data?.archived ? (
                <p className="text-sm text-muted-foreground">
                  This project is archived: it takes no new issues or runs. Unarchive it on the{" "}
                  <Link to="/projects?archived=1" className="underline">
                    Projects
                  </Link>{" "}
                  page to file one.
                </p>
              ) : (
                <CreateIssueForm projectId={projectId} />
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Pull requests</CardTitle>
            </CardHeader>
            <CardContent>
              <PullsList projectId={projectId} />
            </CardContent>
          </Card>
        </div>
      </div>
    </div>
  );
}
