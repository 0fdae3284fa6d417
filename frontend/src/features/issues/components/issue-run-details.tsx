import type { ReactNode } from "react";
import { CheckCircle2, ChevronRight, MinusCircle, XCircle } from "lucide-react";

import { Avatar } from "@/components/avatar";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import { formatUsdAmount } from "@/lib/money";
import { isMerged } from "../cost";
import type { Issue, ReviewVerdict, TestReport } from "../types";

const integer = new Intl.NumberFormat(undefined);

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="font-mono text-sm tabular-nums">{children}</dd>
    </div>
  );
}

/**
 * Agents at work, loop counts, tokens and cost of the run; once merged, its cost is what this
 * pull request cost, beside the project's cost per merged pull request for comparison.
 */
export function RunStats({ issue, projectCostPerMerge }: { issue: Issue; projectCostPerMerge: string | null }) {
  const agents = issue.agents_at_work ?? [];
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted-foreground">Agents at work:</span>
        {agents.length === 0 ? (
          <span className="text-muted-foreground">none right now</span>
        ) : (
          <ul aria-label="Agents at work" className="flex flex-wrap gap-1.5">
            {agents.map((name) => (
              <li
                key={name}
                className="inline-flex items-center gap-1.5 rounded-full border bg-secondary/60 py-0.5 pl-0.5 pr-2.5 text-xs"
              >
                <Avatar name={name} size="sm" />
                {name}
              </li>
            ))}
          </ul>
        )}
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3 xl:grid-cols-6">
        <Stat label="Test loops">{issue.test_loops}</Stat>
        <Stat label="Review loops">{issue.review_loops}</Stat>
        <Stat label="Rejections">{issue.rejections}</Stat>
        <Stat label="Tokens">{integer.format(issue.tokens)}</Stat>
        <Stat label={isMerged(issue) ? "Cost of this merged PR" : "Cost so far"}>
          {formatUsdAmount(issue.spend_usd ?? "0")}
        </Stat>
        <Stat label="Project cost per merged PR">
          {projectCostPerMerge === null ? (
            <span className="text-muted-foreground">no merge yet</span>
          ) : (
            formatUsdAmount(projectCostPerMerge)
          )}
        </Stat>
      </dl>
    </div>
  );
}

interface CollapsibleProps {
  summary: ReactNode;
  children: ReactNode;
  defaultOpen?: boolean;
}

/** A native <details>: keyboard and screen reader support come with it. */
export function Collapsible({ summary, children, defaultOpen = false }: CollapsibleProps) {
  return (
    <details className="group rounded-md border bg-background/40" open={defaultOpen}>
      <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2 text-sm font-medium hover:bg-accent/40 [&::-webkit-details-marker]:hidden">
        <ChevronRight className="h-4 w-4 shrink-0 transition-transform group-open:rotate-90" aria-hidden="true" />
        {summary}
      </summary>
      <div className="border-t px-3 py-2">{children}</div>
    </details>
  );
}

/** The architect's spec (markdown, shown as written). */
export function SpecView({ spec, defaultOpen }: { spec: string; defaultOpen: boolean }) {
  return (
    <Collapsible summary="Spec" defaultOpen={defaultOpen}>
      <pre className="max-h-[28rem] overflow-auto whitespace-pre-wrap break-words font-mono text-xs leading-relaxed">
        {spec}
      </pre>
    </Collapsible>
  );
}

/** What a test run says: without a command nothing ran, so it neither passed nor failed. */
export function testOutcome(report: TestReport): "passed" | "failed" | "not run" {
  if (report.command === null) return "not run";
  return report.passed ? "passed" : "failed";
}

const OUTCOME_BADGES = {
  passed: { icon: CheckCircle2, text: "passed", tone: "border-emerald-500/40 bg-emerald-500/15 text-emerald-300" },
  failed: { icon: XCircle, text: "failed", tone: "border-red-500/40 bg-red-500/15 text-red-300" },
  "not run": { icon: MinusCircle, text: "no tests run", tone: "text-muted-foreground" },
} as const;

function TestOutcomeBadge({ report }: { report: TestReport }) {
  const { icon: Icon, text, tone } = OUTCOME_BADGES[testOutcome(report)];
  return (
    <Badge variant="outline" className={cn("gap-1", tone)}>
      <Icon className="h-3 w-3" aria-hidden="true" />
      {text}
    </Badge>
  );
}

const VERDICT_BADGES = {
  approve: { icon: CheckCircle2, text: "approved", tone: "border-emerald-500/40 bg-emerald-500/15 text-emerald-300" },
  changes: { icon: XCircle, text: "changes requested", tone: "border-amber-500/40 bg-amber-500/15 text-amber-200" },
} as const;

/** The reviewer's latest review, with its verdict when the server has it (older runs: none). */
export function ReviewView({ review, verdict }: { review: string; verdict?: ReviewVerdict | null }) {
  const badge = verdict ? VERDICT_BADGES[verdict] : null;
  return (
    <div className="grid gap-1">
      <div className="flex flex-wrap items-center gap-2">
        <h4 className="text-sm font-medium">Review</h4>
        {badge && (
          <Badge variant="outline" className={cn("gap-1", badge.tone)}>
            <badge.icon className="h-3 w-3" aria-hidden="true" />
            {badge.text}
          </Badge>
        )}
      </div>
      <p className="whitespace-pre-wrap break-words rounded-md border bg-background/40 px-3 py-2 text-sm leading-relaxed">
        {review}
      </p>
    </div>
  );
}

export function TestReportView({ report }: { report: TestReport }) {
  return (
    <Collapsible
      defaultOpen={testOutcome(report) === "failed"}
      summary={
        <span className="flex min-w-0 flex-wrap items-center gap-2">
          Test report
          <TestOutcomeBadge report={report} />
          {report.exit_code !== null && (
            <span className="font-mono text-xs font-normal text-muted-foreground">exit code {report.exit_code}</span>
          )}
        </span>
      }
    >
      <div className="grid gap-2">
        <p className="text-xs text-muted-foreground">
          Command:{" "}
          <code className="rounded bg-muted px-1 py-0.5 font-mono text-foreground">{report.command ?? "(none)"}</code>
        </p>
        <pre className="max-h-[28rem] overflow-auto whitespace-pre-wrap break-words rounded bg-black/30 p-2 font-mono text-xs leading-relaxed">
          {report.output || "(no output)"}
        </pre>
      </div>
    </Collapsible>
  );
}
