import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Issue } from "../types";
import { ReviewActions } from "./review-actions";

const issue = (phase: string, decision: Issue["decision"] = null, round: number | null = 1) =>
  ({ project_id: 2, number: 9, title: "Add negate", phase, round, head: null, decision }) as unknown as Issue;

function show(phase: string, decision: Issue["decision"] = null, round: number | null = 1) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ReviewActions issue={issue(phase, decision, round)} />
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

  it("says when the person decided in the app's one time format", () => {
    const today = new Date();
    today.setHours(15, 4, 0, 0);
    const decision = { round: 1, kind: "approve" as const, feedback: "", head: null, decided_at: today.toISOString() };
    expect(show("merging", decision)).toBe("Decided by you at 3:04 PM: approve.");
  });

  it("waits for the round a live phase change opened before it lets the person decide", () => {
    // The socket says the run waits before the detail with its first round is fetched.
    expect(show("awaiting_approval", null, null)).toBe("Loading what you decide on…");
    expect(screen.getByRole("button", { name: "Approve" })).toHaveProperty("disabled", true);
  });

  it("lets the person decide once the round is known", () => {
    expect(show("awaiting_approval")).toMatch(/^The pull request waits for your decision/);
    expect(screen.getByRole("button", { name: "Approve" })).toHaveProperty("disabled", false);
  });

  it("says when deciding becomes possible while the run still works", () => {
    expect(show("coding")).toMatch(/^Enabled when the issue reaches awaiting_approval/);
  });
});
