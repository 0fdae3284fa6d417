import { describe, expect, it } from "vitest";

import {
  filterIssues,
  matchesQuery,
  parseIssueFilter,
  phaseGroup,
  showAll,
  showsAll,
  toggleGroup,
  toggleState,
  withIssueFilter,
  type IssueFilter,
} from "./issue-filter";

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
      groups: ["failed"],
      query: "cache",
    });
    expect(parseIssueFilter(new URLSearchParams("group=later,failed,failed")).groups).toEqual(["failed"]);
    expect(parseIssueFilter(new URLSearchParams("state=nope&group=later"))).toEqual({
      state: "all",
      groups: [],
      query: "",
    });
  });

  it("writes only what differs from the default and keeps other parameters", () => {
    const next = withIssueFilter(new URLSearchParams("archived=1&state=open"), {
      state: "all",
      groups: ["running"],
      query: "  ",
    });
    expect(next.toString()).toBe("archived=1&group=running");
    const two = withIssueFilter(new URLSearchParams(), { state: "all", groups: ["failed", "awaiting"], query: "" });
    expect(decodeURIComponent(two.toString())).toBe("group=awaiting,failed");
    expect(parseIssueFilter(two).groups).toEqual(["awaiting", "failed"]);
    const back = parseIssueFilter(
      withIssueFilter(new URLSearchParams(), { state: "open", groups: [], query: "log in" }),
    );
    expect(back).toEqual({ state: "open", groups: [], query: "log in" });
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
    expect(numbers(filterIssues(issues, { state: "all", groups: [], query: "LOGIN" }))).toEqual([1, 2]);
    expect(numbers(filterIssues(issues, { state: "all", groups: [], query: "login redirect" }))).toEqual([2]);
  });

  it("combines state, group and search", () => {
    expect(numbers(filterIssues(issues, { state: "open", groups: [], query: "" }))).toEqual([2, 3, 21]);
    expect(numbers(filterIssues(issues, { state: "closed", groups: [], query: "" }))).toEqual([1, 12]);
    expect(numbers(filterIssues(issues, { state: "open", groups: ["awaiting"], query: "" }))).toEqual([2, 21]);
    expect(numbers(filterIssues(issues, { state: "all", groups: ["failed"], query: "cache" }))).toEqual([12]);
    expect(numbers(filterIssues(issues, { state: "open", groups: ["done"], query: "" }))).toEqual([]);
  });

  it("adds up the phase groups and narrows them with open or closed", () => {
    const failedOrAwaiting: IssueFilter = { state: "all", groups: ["awaiting", "failed"], query: "" };
    expect(numbers(filterIssues(issues, failedOrAwaiting))).toEqual([2, 12, 21]);
    expect(numbers(filterIssues(issues, { ...failedOrAwaiting, state: "open" }))).toEqual([2, 21]);
    expect(numbers(filterIssues(issues, { ...failedOrAwaiting, state: "closed" }))).toEqual([12]);
  });
});

describe("the filter's chips", () => {
  const everything: IssueFilter = { state: "all", groups: [], query: "login" };
  const pressed = (filter: IssueFilter) => [
    ...(showsAll(filter) ? ["All"] : []),
    ...(filter.state === "all" ? [] : [filter.state]),
    ...filter.groups,
  ];

  it("press All alone, until another chip is pressed", () => {
    expect(pressed(everything)).toEqual(["All"]);
    expect(pressed(toggleGroup(everything, "failed"))).toEqual(["failed"]);
    expect(pressed(toggleState(everything, "open"))).toEqual(["open"]);
  });

  it("release every other chip when All is pressed, and keep the search", () => {
    const narrowed = toggleGroup(toggleState(toggleGroup(everything, "failed"), "closed"), "done");
    expect(pressed(narrowed)).toEqual(["closed", "done", "failed"]);
    expect(showAll(narrowed)).toEqual(everything);
  });

  it("press All again when the last chip is released", () => {
    expect(pressed(toggleGroup(toggleGroup(everything, "failed"), "failed"))).toEqual(["All"]);
    expect(pressed(toggleState(toggleState(everything, "open"), "open"))).toEqual(["All"]);
  });

  it("keep one of open and closed, and any number of phase groups", () => {
    expect(toggleState(toggleState(everything, "open"), "closed").state).toBe("closed");
    expect(toggleGroup(toggleGroup(everything, "failed"), "awaiting").groups).toEqual(["awaiting", "failed"]);
  });
});
