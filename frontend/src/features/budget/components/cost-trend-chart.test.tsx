import { render, waitFor } from "@testing-library/react";
import { cloneElement, type ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";

import { CostTrendChart } from "./cost-trend-chart";

// jsdom lays nothing out, so the responsive container would measure 0 × 0 and draw no axis.
vi.mock("recharts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("recharts")>()),
  ResponsiveContainer: ({ children }: { children: ReactElement<{ width?: number; height?: number }> }) =>
    cloneElement(children, { width: 720, height: 256 }),
}));

const day = (n: number, spend: string, merged = 0) => ({
  day: `2026-11-${String(n).padStart(2, "0")}`,
  merged_prs: merged,
  spend_usd: spend,
  cost_per_merged_pr_usd: null,
  window_cost_per_merged_pr_usd: null,
});

const axisLabels = (container: HTMLElement, axis: string) =>
  [...container.querySelectorAll(`.recharts-${axis}-tick-labels .recharts-cartesian-axis-tick-value`)].map(
    (tick) => tick.textContent ?? "",
  );

describe("the cost per merge chart's axes", () => {
  it("label each tick once, the dollars all with the same decimals", async () => {
    // A month where the highest day spent two cents: Recharts splits that in half cents.
    const days = Array.from({ length: 30 }, (_, n) => day(n + 1, n === 12 ? "0.02" : n % 3 ? "0.004" : "0"));
    const { container } = render(
      <CostTrendChart
        trend={{
          start: "2026-11-01",
          end: "2026-11-30",
          timezone: "UTC",
          days,
          merged_prs: 0,
          spend_usd: "0.1",
          cost_per_merged_pr_usd: null,
        }}
      />,
    );
    // Recharts draws its axes once its store has the chart's size, a render after the first.
    await waitFor(() => expect(axisLabels(container, "xAxis").length).toBeGreaterThan(1));
    const dollars = axisLabels(container, "yAxis").filter((label) => label.startsWith("$"));
    expect(dollars).toEqual(["$0.000", "$0.005", "$0.010", "$0.015", "$0.020"]);
    const days_ = axisLabels(container, "xAxis");
    expect(days_.length).toBeGreaterThan(1);
    expect(new Set(days_).size).toBe(days_.length);
  });
});
