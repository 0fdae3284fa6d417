import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { LevelSpend } from "../types";
import { LevelBar } from "./level-bars";

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
