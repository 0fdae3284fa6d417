import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { LevelSpend } from "../types";
import { LevelBar, LevelBars } from "./level-bars";

const level = (spent: number, limit: number): LevelSpend => ({
  scope: "global",
  project_id: null,
  project_name: null,
  agent: null,
  spent_usd: spent,
  reserved_usd: 0,
  limit_usd: limit,
  percent: (spent / limit) * 100,
});

describe("a level's bar", () => {
  it("says its share in whole percent as the budget's notification does: rounded down", () => {
    // $0.1405 of $0.15 is 93.7%: the notification says 93%, so does the bar.
    render(
      <ul>
        <LevelBar level={level(0.1405, 0.15)} />
      </ul>,
    );
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("93");
    expect(bar.getAttribute("aria-valuetext")).toContain("(93%), warning");
  });
});

describe("today's levels", () => {
  const project = (id: number, spent: number): LevelSpend => ({
    scope: "project",
    project_id: id,
    project_name: `p${id}`,
    agent: null,
    spent_usd: spent,
    reserved_usd: 0,
    limit_usd: null,
    percent: null,
  });

  it("show what the global level spent outside any project, so the rows add up", () => {
    // The orchestrator's answers are charged to the global level only.
    render(<LevelBars levels={[level(0.5, 10), project(1, 0.2), project(2, 0.1)]} />);
    const rows = screen.getAllByRole("listitem").map((row) => row.textContent ?? "");
    expect(rows[1]).toContain("Outside projects (the orchestrator)");
    expect(rows[1]).toContain("$0.2000 spent");
    expect(rows.slice(2).map((row) => row.slice(0, 2))).toEqual(["p1", "p2"]);
  });

  it("show no such row when the projects account for all of it", () => {
    render(<LevelBars levels={[level(0.3, 10), project(1, 0.2), project(2, 0.1)]} />);
    expect(screen.queryByText(/Outside projects/)).toBeNull();
  });
});
