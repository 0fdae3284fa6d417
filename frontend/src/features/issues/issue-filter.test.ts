import { describe, expect, it } from "vitest";

import { filterIssues, matchesQuery, parseIssueFilter, phaseGroup, withIssueFilter } from "./issue-filter";

const issue = (number: number, title: string, phase: string, state: "open" | "closed" = "open") => ({
  number,
  title,
  phase,
  state,
});

const issues = [
  issue(1, "Add a login page", "done", "closed"),
  issue(2, "Fix the login redirect", "awaiting_approval"),
  issue(3, "Speed up the build", "coding"),
  issue(12, "Cache the avatars", "failed", "closed"),
  issue(21, "Paused work", "needs_attention"),
];

const numbers = (list: { number: number }[]) => list.map((i) => i.number);

describe("issue filter", () => {
  it("reads the URL, falling back to everything for unknown values", () => {
    expect(parseIssueFilter(new URLSearchParams("state=closed&group=failed&q=cache"))).toEqual({
      state: "closed",
      group: "failed",
      query: "cache",
    });
    expect(parseIssueFilter(new URLSearchParams("state=nope&group=later"))).toEqual({
      state: "all",
      group: null,
      query: "",
    });
  });

  it("writes only what differs from the default and keeps other parameters", () => {
    const next = withIssueFilter(new URLSearchParams("archived=1&state=open"), {
      state: "all",
      group: "running",
      query: "  ",
    });
    expect(next.toString()).toBe("archived=1&group=running");
    const back = parseIssueFilter(
      withIssueFilter(new URLSearchParams(), { state: "open", group: null, query: "log in" }),
    );
    expect(back).toEqual({ state: "open", group: null, query: "log in" });
  });

  it("groups phases as the person thinks of them", () => {
    expect(["awaiting_approval", "needs_attention", "budget_blocked", "paused"].map(phaseGroup)).toEqual(
      Array(4).fill("awaiting"),
    );
    expect(["queued", "planning", "review", "merging", "a_phase_from_a_newer_server"].map(phaseGroup)).toEqual(
      Array(5).fill("running"),
    );
    expect(["failed", "rejected", "cancelled"].map(phaseGroup)).toEqual(Array(3).fill("failed"));
    expect(phaseGroup("done")).toBe("done");
  });

  it("finds an issue by number (with or without #) or by words of its title", () => {
    expect(matchesQuery(issues[3]!, "#12")).toBe(true);
    expect(matchesQuery(issues[3]!, "12")).toBe(true);
    expect(matchesQuery(issues[4]!, "2")).toBe(false); // #21 is not #2
    expect(numbers(filterIssues(issues, { state: "all", group: null, query: "LOGIN" }))).toEqual([1, 2]);
    expect(numbers(filterIssues(issues, { state: "all", group: null, query: "login redirect" }))).toEqual([2]);
  });

  it("combines state, group and search", () => {
    expect(numbers(filterIssues(issues, { state: "open", group: null, query: "" }))).toEqual([2, 3, 21]);
    expect(numbers(filterIssues(issues, { state: "closed", group: null, query: "" }))).toEqual([1, 12]);
    expect(numbers(filterIssues(issues, { state: "open", group: "awaiting", query: "" }))).toEqual([2, 21]);
    expect(numbers(filterIssues(issues, { state: "all", group: "failed", query: "cache" }))).toEqual([12]);
    expect(numbers(filterIssues(issues, { state: "open", group: "done", query: "" }))).toEqual([]);
  });
});
