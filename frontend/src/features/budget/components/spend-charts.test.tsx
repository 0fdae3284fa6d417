import { render, screen, waitFor } from "@testing-library/react";
import { cloneElement, type ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";

import type { BudgetSummary } from "../types";
import { SpendCharts } from "./spend-charts";

// jsdom lays nothing out: the chart is given the width of half the budget page at 1440 px.
vi.mock("recharts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("recharts")>()),
  ResponsiveContainer: ({ children }: { children: ReactElement<{ width?: number; height?: number }> }) =>
    cloneElement(children, { width: 560, height: 640 }),
}));

// Nor does it measure text, so Recharts would find room for every label: 11 px text is about 6.5 px a character.
const measure = HTMLElement.prototype.getBoundingClientRect;
vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
  if (this.id !== "recharts_measurement_span") return measure.call(this);
  return DOMRect.fromRect({ width: (this.textContent ?? "").length * 6.5, height: 13 });
});

const spend = { tokens_in: 10, tokens_out: 10, calls: 1 };
const AGENTS = Array.from({ length: 16 }, (_, n) => `agent-${n + 1}`);

const summary = (agents: string[]): BudgetSummary => ({
  day: "2026-11-30",
  timezone: "UTC",
  paused: false,
  levels: [],
  start: "2026-11-01",
  end: "2026-11-30",
  total: { cost_usd: 1, ...spend },
  by_day: [{ day: "2026-11-30", cost_usd: 1, ...spend }],
  by_project: [{ project_id: 1, project_name: "shop", cost_usd: 1, ...spend }],
  by_agent: agents.map((agent_name, n) => ({
    project_id: 1,
    agent_name,
    agent_type: "coder",
    cost_usd: 0.01 * (n + 1),
    ...spend,
  })),
  by_model: [{ model: "gpt", cost_usd: 1, ...spend }],
});

const agentChart = () =>
  screen.getByText("Spend per agent", { selector: "figcaption" }).closest("figure") as HTMLElement;
const nameLabels = (figure: HTMLElement) =>
  [...figure.querySelectorAll(".recharts-cartesian-axis-tick-value")].map((tick) => tick.textContent ?? "");

describe("the spend per agent chart", () => {
  it("names every bar, however many agents there are", async () => {
    render(<SpendCharts summary={summary(AGENTS)} />);
    await waitFor(() => expect(nameLabels(agentChart()).length).toBeGreaterThan(1));
    for (const agent of AGENTS) expect(nameLabels(agentChart())).toContain(agent);
  });

  it("cuts a long name with an ellipsis and keeps the whole name for hovering", async () => {
    const long = "integration-reviewer (mission-control-center)";
    render(<SpendCharts summary={summary(["coder", long])} />);
    await waitFor(() => expect(nameLabels(agentChart())).toContain("coder"));
    expect(nameLabels(agentChart())).toContain("integration-revie…");
    const titles = [...agentChart().querySelectorAll("title")].map((title) => title.textContent);
    expect(titles).toContain(long);
  });

  it("grows a row per agent instead of squeezing the bars", () => {
    render(<SpendCharts summary={summary(AGENTS)} />);
    const chart = agentChart().querySelector("[aria-hidden]") as HTMLElement;
    // 24 px a bar: its 11 px label and a gap to the next.
    expect(parseFloat(chart.style.height)).toBeGreaterThanOrEqual(AGENTS.length * 24);
  });
});
