import type { TrendDay } from "./types";

/** A day of the cost-per-merge chart, in numbers Recharts can draw (null: no point that day). */
export interface TrendRow {
  day: string;
  merged: number;
  spend: number;
  perMerge: number | null;
  perMergeWeek: number | null;
}

const amount = (usd: string | null | undefined) => (usd === null || usd === undefined ? null : Number(usd));

export function trendRows(days: TrendDay[]): TrendRow[] {
  return days.map((day) => ({
    day: day.day,
    merged: day.merged_prs,
    spend: Number(day.spend_usd),
    perMerge: amount(day.cost_per_merged_pr_usd),
    perMergeWeek: amount(day.window_cost_per_merged_pr_usd),
  }));
}

/** Whether there is anything to draw: a spend or a merge on some day. */
export const hasActivity = (rows: TrendRow[]) => rows.some((row) => row.spend > 0 || row.merged > 0);
