import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { BudgetPage } from "./budget-page";

const spend = { usd: "0", tokens: 0 };

describe("the budget page", () => {
  it("names the next budget day as the one the stops last until", async () => {
    const thisYear = new Date().getFullYear();
    server.use(
      http.get(`${API}/api/budget/summary`, () =>
        HttpResponse.json({
          day: `${thisYear}-12-06`,
          timezone: "UTC",
          paused: false,
          levels: [],
          start: `${thisYear}-11-07`,
          end: `${thisYear}-12-06`,
          total: spend,
          by_day: [],
          by_project: [],
          by_agent: [],
          by_model: [],
        }),
      ),
      http.get(`${API}/api/budget/limits`, () => HttpResponse.json([])),
      http.get(`${API}/api/budget/trend`, () =>
        HttpResponse.json({
          start: `${thisYear}-11-07`,
          end: `${thisYear}-12-06`,
          timezone: "UTC",
          days: [],
          merged_prs: 0,
          spend_usd: "0",
          cost_per_merged_pr_usd: null,
        }),
      ),
      http.get(`${API}/api/projects`, () => HttpResponse.json([])),
    );
    renderSignedIn(<BudgetPage />);
    expect(await screen.findByText(/until the next budget day \(Dec 7, UTC\)\./)).toBeTruthy();
  });
});
