import { useId, useState } from "react";
import { Loader2, OctagonPause } from "lucide-react";

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormError } from "@/components/form-error";
import { QueryState } from "@/components/query-state";
import { errorMessage } from "@/lib/api-client";
import { formatDay, formatUsd, nextDay } from "@/lib/format";
import { useProjects } from "@/features/projects/api/get-projects";
import { useLimits } from "@/features/budget/api/get-limits";
import { useBudgetSummary } from "@/features/budget/api/get-summary";
import type { SummaryRange } from "@/features/budget/types";
import { LevelBars } from "@/features/budget/components/level-bars";
import { AgentShares, GlobalLimitForm, ProjectShares } from "./limit-forms";
import { SpendCharts } from "@/features/budget/components/spend-charts";
import { CostTrendChart } from "@/features/budget/components/cost-trend-chart";
import { useCostTrend } from "@/features/budget/api/get-trend";
import { formatUsdAmount } from "@/lib/money";

const integer = new Intl.NumberFormat(undefined);

/** `/budget`: today's spend per level, the limits, and what was spent over a range of days. */
export function BudgetPage() {
  const today = useBudgetSummary({});
  const limits = useLimits();
  const projects = useProjects();

  return (
    <div className="mx-auto grid max-w-5xl gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Budget</h1>
        <p className="text-sm text-muted-foreground">
          A global daily limit in USD, each project's share of it, each agent's share of its project. At 80% of a level
          you get a warning, at 100% its runs stop until the next budget day
          {today.data ? ` (${formatDay(nextDay(today.data.day))}, ${today.data.timezone})` : ""}.
        </p>
        {today.data?.paused && (
          <p className="flex items-center gap-1.5 text-sm text-red-300">
            <OctagonPause className="h-4 w-4" aria-hidden="true" />
            The emergency pause is on: no LLM call starts.
          </p>
        )}
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Today</CardTitle>
          <CardDescription>Spend against each level's limit; amber from 80%, red from 100%.</CardDescription>
        </CardHeader>
        <CardContent>
          <QueryState query={today} loading="Loading today's spend…">
            {(summary) => <LevelBars levels={summary.levels} />}
          </QueryState>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Limits</CardTitle>
          <CardDescription>Shares of a level's children may add up to at most 100%.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-6">
          <QueryState query={limits} loading="Loading limits…">
            {(list) => (
              <>
                <section className="grid gap-3" aria-labelledby="global-limit-heading">
                  <h3 id="global-limit-heading" className="text-sm font-semibold">
                    Global
                  </h3>
                  <GlobalLimitForm
                    limit={list.find((limit) => limit.scope === "global")}
                    effectiveUsd={today.data?.levels.find((level) => level.scope === "global")?.limit_usd ?? null}
                  />
                </section>
                <section className="grid gap-3 border-t pt-4" aria-labelledby="project-shares-heading">
                  <h3 id="project-shares-heading" className="text-sm font-semibold">
                    Projects
                  </h3>
                  <QueryState query={projects} loading="Loading projects…">
                    {(projectList) => <ProjectShares projects={projectList} limits={list} />}
                  </QueryState>
                </section>
                <section className="grid gap-3 border-t pt-4" aria-labelledby="agent-shares-heading">
                  <h3 id="agent-shares-heading" className="text-sm font-semibold">
                    Agents
                  </h3>
                  <QueryState query={projects} loading="Loading projects…">
                    {(projectList) => <AgentShares projects={projectList} limits={list} />}
                  </QueryState>
                </section>
              </>
            )}
          </QueryState>
        </CardContent>
      </Card>

      <CostTrendCard />

      <SpendCard />
    </div>
  );
}

/** What a merged pull request costs, per day over the last 30 days. */
function CostTrendCard() {
  const trend = useCostTrend({});
  return (
    <Card>
      <CardHeader>
        <CardTitle>Cost per merged pull request</CardTitle>
        <CardDescription>
          Everything the agents spent (failed and rejected attempts too) divided by the pull requests merged, over the
          last 30 days.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <QueryState query={trend} loading="Loading the trend…">
          {(data) => (
            <>
              <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
                <div>
                  <dt className="text-xs text-muted-foreground">Merged pull requests</dt>
                  <dd className="font-mono">{data.merged_prs}</dd>
                </div>
                <div>
                  <dt className="text-xs text-muted-foreground">Spend</dt>
                  <dd className="font-mono">{formatUsdAmount(data.spend_usd)}</dd>
                </div>
                <div>
                  <dt className="text-xs text-muted-foreground">Cost per merged PR</dt>
                  <dd className="font-mono">
                    {data.cost_per_merged_pr_usd === null
                      ? "no merge yet"
                      : formatUsdAmount(data.cost_per_merged_pr_usd)}
                  </dd>
                </div>
              </dl>
              <CostTrendChart trend={data} />
            </>
          )}
        </QueryState>
      </CardContent>
    </Card>
  );
}

function SpendCard() {
  const [range, setRange] = useState<SummaryRange>({});
  const summary = useBudgetSummary(range);
  const ids = { start: useId(), end: useId() };
  // Until a range is picked, the inputs show the server's default (the last 30 days).
  const start = range.start ?? summary.data?.start ?? "";
  const end = range.end ?? summary.data?.end ?? "";

  return (
    <Card>
      <CardHeader>
        <CardTitle>Spend</CardTitle>
        <CardDescription>What the LLM calls cost over a range of budget days.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor={ids.start}>From</Label>
            <Input
              id={ids.start}
              type="date"
              className="w-44"
              value={start}
              onChange={(event) =>
                setRange((r) => ({ ...r, start: event.target.value || undefined, end: r.end ?? end }))
              }
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.end}>To</Label>
            <Input
              id={ids.end}
              type="date"
              className="w-44"
              value={end}
              onChange={(event) =>
                setRange((r) => ({ ...r, end: event.target.value || undefined, start: r.start ?? start }))
              }
            />
          </div>
          {summary.isFetching && (
            <Loader2 className="mb-3 h-4 w-4 animate-spin text-muted-foreground" aria-hidden="true" />
          )}
          {summary.data && !summary.isError && (
            <dl className="mb-1 ml-auto flex flex-wrap gap-x-5 gap-y-1 text-sm">
              <div>
                <dt className="text-xs text-muted-foreground">Total</dt>
                <dd className="font-mono">{formatUsd(summary.data.total.cost_usd, 4)}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Calls</dt>
                <dd className="font-mono">{integer.format(summary.data.total.calls)}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Tokens in / out</dt>
                <dd className="font-mono">
                  {integer.format(summary.data.total.tokens_in)} / {integer.format(summary.data.total.tokens_out)}
                </dd>
              </div>
            </dl>
          )}
        </div>
        {summary.isError ? (
          <FormError message={errorMessage(summary.error)} />
        ) : summary.data ? (
          <SpendCharts summary={summary.data} />
        ) : (
          <p className="flex items-center gap-2 py-6 text-sm text-muted-foreground" aria-busy="true">
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
            Loading spend…
          </p>
        )}
      </CardContent>
    </Card>
  );
}
