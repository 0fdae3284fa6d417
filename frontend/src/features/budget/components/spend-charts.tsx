import { useState, type ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { formatDay, formatUsd } from "@/lib/format";
import { dayLabelsThatFit, dayTicks, usdAxis } from "../axis-ticks";
import type { BudgetSummary } from "../types";

// Tailwind's palette at 500, readable on the dark cards.
const COLORS = ["#6366f1", "#10b981", "#f59e0b", "#0ea5e9", "#ec4899", "#8b5cf6", "#14b8a6", "#f43f5e"];
const AXIS = { fontSize: 11, fill: "hsl(var(--muted-foreground))" };
const TOOLTIP_STYLE = {
  contentStyle: {
    background: "hsl(var(--popover))",
    border: "1px solid hsl(var(--border))",
    borderRadius: 6,
    fontSize: 12,
    color: "hsl(var(--popover-foreground))",
  },
  itemStyle: { color: "hsl(var(--popover-foreground))" },
  cursor: { fill: "hsl(var(--accent) / 0.4)" },
};

const usdTooltip = (value: unknown) => [formatUsd(Number(value), 4), "Cost"] as [string, string];

interface Row {
  name: string;
  cost: number;
  calls: number;
}

function ChartFigure({ title, rows, children }: { title: string; rows: Row[]; children: ReactNode }) {
  const empty = rows.every((row) => row.cost === 0);
  return (
    <figure className="grid min-w-0 gap-2">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      {empty ? (
        <p className="flex h-40 items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
          Nothing spent in this range.
        </p>
      ) : (
        <div className="h-56 w-full" aria-hidden="true">
          {children}
        </div>
      )}
      {/* The numbers behind the chart, for screen readers and for exact values. */}
      {!empty && (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted-foreground hover:text-foreground">Show as table</summary>
          <table className="mt-1 w-full text-left">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="text-muted-foreground">
                <th className="py-0.5 font-medium">Name</th>
                <th className="py-0.5 text-right font-medium">Cost (USD)</th>
                <th className="py-0.5 text-right font-medium">Calls</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={index} className="border-t border-border/50">
                  <td className="py-0.5">{row.name}</td>
                  <td className="py-0.5 text-right font-mono">{formatUsd(row.cost, 4)}</td>
                  <td className="py-0.5 text-right font-mono">{row.calls}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

/** Cost per row; `days` labels a few evenly spaced days, `angled` every name (agents, projects). */
function CostBars({ rows, angled = false, days = false }: { rows: Row[]; angled?: boolean; days?: boolean }) {
  const [width, setWidth] = useState(0);
  const usd = usdAxis(Math.max(...rows.map((row) => row.cost)));
  return (
    <ResponsiveContainer width="100%" height="100%" onResize={setWidth}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: angled ? 24 : 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="hsl(var(--border))" vertical={false} />
        <XAxis
          dataKey="name"
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "hsl(var(--border))" }}
          // Beside the plot: the dollars' axis (64) and the margin (8).
          ticks={
            days
              ? dayTicks(
                  rows.map((row) => row.name),
                  dayLabelsThatFit(width - 72),
                )
              : undefined
          }
          interval={days ? "preserveEnd" : "preserveStartEnd"}
          angle={angled ? -30 : 0}
          textAnchor={angled ? "end" : "middle"}
          height={angled ? 48 : 24}
        />
        <YAxis
          tick={AXIS}
          tickLine={false}
          axisLine={false}
          ticks={usd.ticks}
          domain={usd.domain}
          interval={0}
          tickFormatter={usd.format}
          width={64}
        />
        <Tooltip formatter={usdTooltip} {...TOOLTIP_STYLE} />
        <Bar dataKey="cost" name="Cost" radius={[3, 3, 0, 0]} isAnimationActive={false}>
          {rows.map((_row, index) => (
            <Cell key={index} fill={angled ? COLORS[index % COLORS.length] : COLORS[0]} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}

function CostPie({ rows }: { rows: Row[] }) {
  const shown = rows.filter((row) => row.cost > 0);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <PieChart>
        <Pie
          data={shown}
          dataKey="cost"
          nameKey="name"
          innerRadius="45%"
          outerRadius="80%"
          paddingAngle={1}
          isAnimationActive={false}
          label={({ name }) => String(name)}
          labelLine={false}
          fontSize={11}
        >
          {shown.map((_row, index) => (
            <Cell key={index} fill={COLORS[index % COLORS.length]} stroke="hsl(var(--card))" />
          ))}
        </Pie>
        <Tooltip formatter={usdTooltip} {...TOOLTIP_STYLE} />
      </PieChart>
    </ResponsiveContainer>
  );
}

/** Spend over the summary's range: per day, per model, per agent and per project. */
export function SpendCharts({ summary }: { summary: BudgetSummary }) {
  const byDay: Row[] = summary.by_day.map((day) => ({
    name: formatDay(day.day),
    cost: day.cost_usd,
    calls: day.calls,
  }));
  const byModel: Row[] = summary.by_model.map((model) => ({
    name: model.model,
    cost: model.cost_usd,
    calls: model.calls,
  }));
  const byAgent: Row[] = summary.by_agent.map((agent) => ({
    name:
      agent.project_id != null && summary.by_project.length > 1
        ? `${agent.agent_name} (${summary.by_project.find((p) => p.project_id === agent.project_id)?.project_name ?? agent.project_id})`
        : agent.agent_name,
    cost: agent.cost_usd,
    calls: agent.calls,
  }));
  const byProject: Row[] = summary.by_project.map((project) => ({
    name: project.project_name ?? (project.project_id != null ? `project ${project.project_id}` : "no project"),
    cost: project.cost_usd,
    calls: project.calls,
  }));

  return (
    <div className="grid gap-6">
      <ChartFigure title="Spend per day" rows={byDay}>
        <CostBars rows={byDay} days />
      </ChartFigure>
      <div className="grid gap-6 lg:grid-cols-2">
        <ChartFigure title="Spend per model" rows={byModel}>
          <CostPie rows={byModel} />
        </ChartFigure>
        <ChartFigure title="Spend per agent" rows={byAgent}>
          <CostBars rows={byAgent} angled />
        </ChartFigure>
      </div>
      {byProject.length > 1 && (
        <ChartFigure title="Spend per project" rows={byProject}>
          <CostBars rows={byProject} angled />
        </ChartFigure>
      )}
    </div>
  );
}
