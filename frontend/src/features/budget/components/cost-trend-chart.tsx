import { useState } from "react";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatDay, formatUsd } from "@/lib/format";
import { formatUsdAmount } from "@/lib/money";
import { countAxis, dayLabelsThatFit, dayTicks, usdAxis } from "../axis-ticks";
import { hasActivity, trendRows } from "../trend-rows";
import type { CostTrend } from "../types";

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
// The width of the axes and margins beside the plot: the dollars (64), the count (28), the margins (16).
const BESIDE_PLOT = 64 + 28 + 16;
const tooltipValue = (value: unknown, name: unknown) =>
  [name === "Merged PRs" ? String(value) : formatUsd(Number(value), 4), String(name)] as [string, string];

/**
 * Per day over the range: spend (bars), pull requests merged (bars, right axis), and what a
 * merge cost over the trailing 7 days (line; a single day's ratio jumps with every merge).
 */
export function CostTrendChart({ trend }: { trend: CostTrend }) {
  const [width, setWidth] = useState(0);
  const rows = trendRows(trend.days);
  if (!hasActivity(rows)) {
    return (
      <p className="flex h-40 items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
        Nothing spent and nothing merged in this range.
      </p>
    );
  }
  const data = rows.map((row) => ({ ...row, day: formatDay(row.day) }));
  const usd = usdAxis(Math.max(...rows.map((row) => Math.max(row.spend, row.perMergeWeek ?? 0))));
  const count = countAxis(Math.max(...rows.map((row) => row.merged)));
  return (
    <figure className="grid min-w-0 gap-2">
      <figcaption className="sr-only">Cost per merged pull request per day</figcaption>
      <div className="h-64 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%" onResize={setWidth}>
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="hsl(var(--border))" vertical={false} />
            <XAxis
              dataKey="day"
              tick={AXIS}
              tickLine={false}
              axisLine={{ stroke: "hsl(var(--border))" }}
              ticks={dayTicks(
                data.map((row) => row.day),
                dayLabelsThatFit(width - BESIDE_PLOT),
              )}
              // Moves the last day's label inside the chart instead of cutting it at the edge.
              interval="preserveEnd"
            />
            <YAxis
              yAxisId="usd"
              tick={AXIS}
              tickLine={false}
              axisLine={false}
              ticks={usd.ticks}
              domain={usd.domain}
              interval={0}
              tickFormatter={usd.format}
              width={64}
            />
            <YAxis
              yAxisId="count"
              orientation="right"
              ticks={count.ticks}
              domain={count.domain}
              interval={0}
              tick={AXIS}
              tickLine={false}
              axisLine={false}
              width={28}
            />
            <Tooltip formatter={tooltipValue} {...TOOLTIP_STYLE} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar
              yAxisId="usd"
              dataKey="spend"
              name="Spend"
              fill="#6366f1"
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
            <Bar
              yAxisId="count"
              dataKey="merged"
              name="Merged PRs"
              fill="#10b981"
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
            <Line
              yAxisId="usd"
              dataKey="perMergeWeek"
              name="Cost per merged PR (7 days)"
              stroke="#f59e0b"
              strokeWidth={2}
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <details className="text-xs">
        <summary className="cursor-pointer text-muted-foreground hover:text-foreground">Show as table</summary>
        <table className="mt-1 w-full text-left">
          <caption className="sr-only">Cost per merged pull request per day</caption>
          <thead>
            <tr className="text-muted-foreground">
              <th className="py-0.5 font-medium">Day</th>
              <th className="py-0.5 text-right font-medium">Merged PRs</th>
              <th className="py-0.5 text-right font-medium">Spend</th>
              <th className="py-0.5 text-right font-medium">Per merged PR</th>
              <th className="py-0.5 text-right font-medium">Per merged PR (7 days)</th>
            </tr>
          </thead>
          <tbody>
            {trend.days.map((day) => (
              <tr key={day.day} className="border-t border-border/50">
                <td className="py-0.5">{formatDay(day.day)}</td>
                <td className="py-0.5 text-right font-mono">{day.merged_prs}</td>
                <td className="py-0.5 text-right font-mono">{formatUsdAmount(day.spend_usd)}</td>
                <td className="py-0.5 text-right font-mono">
                  {day.cost_per_merged_pr_usd ? formatUsdAmount(day.cost_per_merged_pr_usd) : "–"}
                </td>
                <td className="py-0.5 text-right font-mono">
                  {day.window_cost_per_merged_pr_usd ? formatUsdAmount(day.window_cost_per_merged_pr_usd) : "–"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
