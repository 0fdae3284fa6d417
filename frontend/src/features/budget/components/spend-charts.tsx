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
import { NAME_AXIS_WIDTH, NameTick } from "./name-tick";

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

const CHART_HEIGHT = 224;
// A names chart is a row per name: it grows with the names instead of dropping some, and its bars
// keep one thickness however few there are.
const NAME_ROW_HEIGHT = 28;
// Below the bars: the dollars' axis (24) and the margins (16).
const BELOW_ROWS = 40;

const usdTooltip = (value: unknown) => [formatUsd(Number(value), 4), "Cost"] as [string, string];

interface Row {
  name: string;
  cost: number;
  calls: number;
}

const namedBarsHeight = (rows: number) => rows * NAME_ROW_HEIGHT + BELOW_ROWS;

interface ChartFigureProps {
  title: string;
  rows: Row[];
  height?: number;
  children: ReactNode;
}

function ChartFigure({ title, rows, height = CHART_HEIGHT, children }: ChartFigureProps) {
  const empty = rows.every((row) => row.cost === 0);
  return (
    <figure className="grid min-w-0 gap-2">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      {empty ? (
        <p className="flex h-40 items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
          Nothing spent in this range.
        </p>
      ) : (
        <div className="w-full" style={{ height }} aria-hidden="true">
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

/** Cost per day, a few evenly spaced days labelled. */
function DayBars({ rows }: { rows: Row[] }) {
  const [width, setWidth] = useState(0);
  const usd = usdAxis(Math.max(...rows.map((row) => row.cost)));
  return (
    <ResponsiveContainer width="100%" height="100%" onResize={setWidth}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="hsl(var(--border))" vertical={false} />
        <XAxis
          dataKey="name"
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "hsl(var(--border))" }}
          // Beside the plot: the dollars' axis (64) and the margin (8).
          ticks={dayTicks(
            rows.map((row) => row.name),
            dayLabelsThatFit(width - 72),
          )}
          interval="preserveEnd"
          height={24}
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
        <Bar dataKey="cost" name="Cost" fill={COLORS[0]} radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/**
 * Cost per name (agents, projects) as horizontal bars, each labelled: the names are read across, and
 * the chart grows a row per name instead of Recharts skipping the names that crowd.
 */
function NamedBars({ rows }: { rows: Row[] }) {
  const usd = usdAxis(Math.max(...rows.map((row) => row.cost)));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="hsl(var(--border))" horizontal={false} />
        <XAxis
          type="number"
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "hsl(var(--border))" }}
          ticks={usd.ticks}
          domain={usd.domain}
          interval={0}
          tickFormatter={usd.format}
          height={24}
        />
        <YAxis
          type="category"
          dataKey="name"
          tick={NameTick}
          tickLine={false}
          axisLine={false}
          interval={0}
          width={NAME_AXIS_WIDTH}
        />
        <Tooltip formatter={usdTooltip} {...TOOLTIP_STYLE} />
        <Bar dataKey="cost" name="Cost" radius={[0, 3, 3, 0]} isAnimationActive={false}>
          {rows.map((_row, index) => (
            <Cell key={index} fill={COLORS[index % COLORS.length]} />
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
        <DayBars rows={byDay} />
      </ChartFigure>
      <div className="grid gap-6 lg:grid-cols-2">
        <ChartFigure title="Spend per model" rows={byModel}>
          <CostPie rows={byModel} />
        </ChartFigure>
        <ChartFigure title="Spend per agent" rows={byAgent} height={namedBarsHeight(byAgent.length)}>
          <NamedBars rows={byAgent} />
        </ChartFigure>
      </div>
      {byProject.length > 1 && (
        <ChartFigure title="Spend per project" rows={byProject} height={namedBarsHeight(byProject.length)}>
          <NamedBars rows={byProject} />
        </ChartFigure>
      )}
    </div>
  );
}
