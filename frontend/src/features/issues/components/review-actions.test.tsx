import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Issue } from "../types";
import { ReviewActions } from "./review-actions";

const issue = (phase: string) =>
  ({ project_id: 2, number: 9, title: "Add negate", phase, round: 1, head: null, decision: null }) as unknown as Issue;

function show(phase: string) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ReviewActions issue={issue(phase)} />
    </QueryClientProvider>,
  );
  return screen.getByRole("status").textContent ?? "";
}

describe("the decision panel", () => {
  it.each([
    ["cancelled", "cancelled"],
    ["done", "merged"],
    ["failed", "failed"],
  ])("says an issue in %s has ended, not that it waits for approval", (phase, words) => {
    const status = show(phase);
    expect(status).toBe(`The issue has ended (${words}): there is nothing left to decide.`);
    expect(screen.getByRole("button", { name: "Approve" })).toHaveProperty("disabled", true);
  });

  it("says when deciding becomes possible while the run still works", () => {
    expect(show("coding")).toMatch(/^Enabled when the issue reaches awaiting_approval/);
  });
});
