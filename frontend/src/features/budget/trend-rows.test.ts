import { describe, expect, it } from "vitest";

import { hasActivity, trendRows } from "./trend-rows";

describe("cost trend rows", () => {
  it("turn the API's decimal strings into chart numbers, days without a merge into gaps", () => {
    const rows = trendRows([
      {
        day: "2026-12-05",
        merged_prs: 0,
        spend_usd: "0.0120000000",
        cost_per_merged_pr_usd: null,
        window_cost_per_merged_pr_usd: null,
      },
      {
        day: "2026-12-06",
        merged_prs: 2,
        spend_usd: "0.0900000000",
        cost_per_merged_pr_usd: "0.0450000000",
        window_cost_per_merged_pr_usd: "0.0510000000",
      },
    ]);
    expect(rows).toEqual([
      { day: "2026-12-05", merged: 0, spend: 0.012, perMerge: null, perMergeWeek: null },
      { day: "2026-12-06", merged: 2, spend: 0.09, perMerge: 0.045, perMergeWeek: 0.051 },
    ]);
    expect(hasActivity(rows)).toBe(true);
    expect(hasActivity(rows.map((row) => ({ ...row, spend: 0, merged: 0 })))).toBe(false);
  });
});
