import type { ReactNode } from "react";
import { ExternalLink, Loader2, MessagesSquare } from "lucide-react";
import { Link } from "react-router-dom";

import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { QueryState } from "@/components/query-state";
import { formatTimestamp } from "@/lib/format";
import { useIssue } from "../api/get-issue";
import { useIssues } from "../api/get-issues";
import { costPerMergedPr } from "../cost";
import { isPhaseActive } from "../phases";
import { AWAITING_APPROVAL, gateOf, type Issue } from "../types";
import { IssueRunControls } from "./issue-run-controls";
import { ReviewView, RunStats, SpecView, TestReportView } from "./issue-run-details";
import { PhaseBadge } from "./phase-badge";
import { PipelineStepper } from "./pipeline-stepper";
import { ReviewActions } from "./review-actions";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="grid gap-3 border-t pt-4">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">{title}</h3>
      {children}
    </section>
  );
}

/** The issue's pull request as the app shows it (the pulls feature, composed in src/app). */
export type PullRequestSlot = (pull: NonNullable<Issue["pull_request"]>) => ReactNode;

/** The issue's conversations as the app lists them (the conversations feature, composed in src/app). */
export type ConversationsSlot = (issue: Issue) => ReactNode;

export function IssueDetail({
  projectId,
  number,
  pullRequest,
  conversations,
  emergencyPause = false,
}: {
  projectId: number;
  number: number;
  pullRequest: PullRequestSlot;
  conversations?: ConversationsSlot;
  /** The emergency pause is on (the system feature, composed in src/app). */
  emergencyPause?: boolean;
}) {
  const query = useIssue(projectId, number);
  // The list beside the issue is cached already: the project's figure costs no request.
  const issues = useIssues(projectId);
  const projectCostPerMerge = issues.data ? costPerMergedPr(issues.data) : null;

  return (
    <Card>
      <QueryState query={query} loading={`Loading issue #${number}…`} className="p-6">
        {(issue) => {
          const specGate = issue.phase === AWAITING_APPROVAL && gateOf(issue) === "spec";
          return (
            <>
              <CardHeader className="gap-2">
                <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
                  <span className="font-mono">#{issue.number}</span>
                  <Badge variant={issue.state === "open" ? "secondary" : "outline"}>{issue.state}</Badge>
                  <span>opened {formatTimestamp(issue.created_at)}</span>
                </div>
                <CardTitle className="text-xl leading-snug [overflow-wrap:anywhere]">{issue.title}</CardTitle>
                <div className="flex flex-wrap items-center gap-3 text-sm">
                  <span className="flex items-center gap-2">
                    <span className="text-muted-foreground">Phase</span>
                    <PhaseBadge phase={issue.phase} />
                    {isPhaseActive(issue.phase) && (
                      <Loader2 className="h-3.5 w-3.5 animate-spin text-sky-300" aria-hidden="true" />
                    )}
                  </span>
                  <a
                    href={issue.temporal_url}
                    target="_blank"
                    rel="noreferrer noopener"
                    className="inline-flex items-center gap-1 font-mono text-xs text-muted-foreground hover:text-foreground hover:underline"
                    title="Open the workflow in the Temporal UI"
                  >
                    {issue.workflow_id}
                    <ExternalLink className="h-3 w-3" aria-hidden="true" />
                  </a>
                  {issue.conversation_id != null && (
                    <Link
                      to={`/projects/${projectId}/conversations/${issue.conversation_id}`}
                      className="inline-flex items-center gap-1 text-xs text-primary hover:underline"
                      title="The spec, test and review notes of this issue's run"
                    >
                      <MessagesSquare className="h-3.5 w-3.5" aria-hidden="true" />
                      Issue conversation
                    </Link>
                  )}
                </div>
              </CardHeader>
              <CardContent className="grid gap-4">
                {issue.body.trim() ? (
                  <p className="whitespace-pre-wrap break-words text-sm leading-relaxed">{issue.body}</p>
                ) : (
                  <p className="text-sm italic text-muted-foreground">No description.</p>
                )}
                <Section title="Pipeline">
                  <PipelineStepper issue={issue} />
                  <RunStats issue={issue} projectCostPerMerge={projectCostPerMerge} />
                </Section>
                <Section title="Run">
                  <IssueRunControls issue={issue} emergencyPause={emergencyPause} />
                </Section>
                <Section title={specGate ? "Decision on the spec" : "Decision"}>
                  <ReviewActions issue={issue} />
                </Section>
                {(issue.spec || issue.test_report || issue.review) && (
                  <Section title="Spec, tests and review">
                    {issue.spec && (
                      // Keyed so that reaching the spec gate opens it even after it was closed.
                      <SpecView key={specGate ? "gate" : "no-gate"} spec={issue.spec} defaultOpen={specGate} />
                    )}
                    {issue.test_report && <TestReportView report={issue.test_report} />}
                    {issue.review && <ReviewView review={issue.review} verdict={issue.review_verdict} />}
                  </Section>
                )}
                {conversations && <Section title="Conversations">{conversations(issue)}</Section>}
                <Section title="Pull request">
                  {issue.pull_request ? (
                    pullRequest(issue.pull_request)
                  ) : (
                    <p className="text-sm text-muted-foreground">
                      No pull request yet: the agents open one when the code is written.
                    </p>
                  )}
                </Section>
              </CardContent>
            </>
          );
        }}
      </QueryState>
    </Card>
  );
}
