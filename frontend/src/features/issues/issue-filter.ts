import type { Issue } from "./types";

/**
 * The issue list's filter, kept in the URL's query string (`?state=open&group=awaiting,failed&q=login`)
 * so a reload or a shared link shows the same list.
 *
 * What a person expects of the chips: "All" is every issue, so it is pressed only while no other
 * chip is, pressing it releases them all, and pressing any other releases it. Open and Closed
 * exclude each other; the phase groups add up (Awaiting you + Failed: both kinds); the two rows
 * and the search narrow each other (Open and Failed: the open issues that failed).
 *
 * Filtering runs in the browser: the whole list is already in the cache and kept current by
 * socket events, so a filter costs no request and every filter view stays live; a project's
 * issues are hundreds at most, which one pass over the array handles in well under a frame.
 */
export type StateFilter = "all" | "open" | "closed";
export type PhaseGroup = "awaiting" | "running" | "done" | "failed";

export interface IssueFilter {
  state: StateFilter;
  /** Any of these groups; none is every phase. In the order of PHASE_GROUPS. */
  groups: PhaseGroup[];
  query: string;
}

export const STATE_FILTERS: { value: Exclude<StateFilter, "all">; label: string }[] = [
  { value: "open", label: "Open" },
  { value: "closed", label: "Closed" },
];

export const PHASE_GROUPS: { value: PhaseGroup; label: string }[] = [
  { value: "awaiting", label: "Awaiting you" },
  { value: "running", label: "Running" },
  { value: "done", label: "Done" },
  { value: "failed", label: "Failed" },
];

// Where each phase belongs: "awaiting you" is every phase that waits for the person's decision or help.
const GROUP_OF_PHASE: Record<string, PhaseGroup> = {
  awaiting_approval: "awaiting",
  needs_attention: "awaiting",
  budget_blocked: "awaiting",
  paused: "awaiting",
  queued: "running",
  planning: "running",
  coding: "running",
  pull_request: "running",
  testing: "running",
  review: "running",
  merging: "running",
  done: "done",
  failed: "failed",
  rejected: "failed",
  cancelled: "failed",
};

/** The group of a phase; a phase this client does not know yet counts as running. */
export function phaseGroup(phase: string): PhaseGroup {
  return GROUP_OF_PHASE[phase] ?? "running";
}

const isState = (value: string | null): value is StateFilter =>
  value === "open" || value === "closed" || value === "all";
const isGroup = (value: string | null): value is PhaseGroup => PHASE_GROUPS.some((group) => group.value === value);

/** The groups in the order of PHASE_GROUPS, each once. */
const inOrder = (groups: PhaseGroup[]) => PHASE_GROUPS.map((g) => g.value).filter((group) => groups.includes(group));

/** The filter a URL names (`group` one or several, comma-separated); anything unknown is left out. */
export function parseIssueFilter(params: URLSearchParams): IssueFilter {
  const state = params.get("state");
  const groups = (params.get("group") ?? "").split(",").filter(isGroup);
  return { state: isState(state) ? state : "all", groups: inOrder(groups), query: params.get("q") ?? "" };
}

/** `current` with the filter's parameters set (defaults left out, other parameters kept). */
export function withIssueFilter(current: URLSearchParams, filter: IssueFilter): URLSearchParams {
  const next = new URLSearchParams(current);
  const set = (key: string, value: string | null) => (value ? next.set(key, value) : next.delete(key));
  set("state", filter.state === "all" ? null : filter.state);
  set("group", filter.groups.length > 0 ? inOrder(filter.groups).join(",") : null);
  set("q", filter.query.trim() ? filter.query : null);
  return next;
}

/** Whether an issue matches a search: its number ("12", "#12") or words of its title, any case. */
export function matchesQuery(issue: Pick<Issue, "number" | "title">, query: string): boolean {
  const text = query.trim().toLowerCase();
  if (!text) return true;
  const number = /^#?(\d+)$/.exec(text);
  if (number) return issue.number === Number(number[1]) || issue.title.toLowerCase().includes(text);
  const title = issue.title.toLowerCase();
  return text.split(/\s+/).every((word) => title.includes(word));
}

export function filterIssues<T extends Pick<Issue, "number" | "title" | "state" | "phase">>(
  issues: T[],
  filter: IssueFilter,
): T[] {
  return issues.filter(
    (issue) =>
      (filter.state === "all" || issue.state === filter.state) &&
      (filter.groups.length === 0 || filter.groups.includes(phaseGroup(issue.phase))) &&
      matchesQuery(issue, filter.query),
  );
}

export const isFiltered = (filter: IssueFilter) => !showsAll(filter) || filter.query.trim() !== "";

/** Whether the chips ask for every issue: "All" is pressed exactly then. */
export const showsAll = (filter: IssueFilter) => filter.state === "all" && filter.groups.length === 0;

/** "All": every chip released; the search stays, it has a box of its own. */
export const showAll = (filter: IssueFilter): IssueFilter => ({ ...filter, state: "all", groups: [] });

/** Open or Closed pressed: it replaces the other; pressed again, released. */
export const toggleState = (filter: IssueFilter, state: Exclude<StateFilter, "all">): IssueFilter => ({
  ...filter,
  state: filter.state === state ? "all" : state,
});

/** A phase group pressed is added to the others; pressed again, released. */
export const toggleGroup = (filter: IssueFilter, group: PhaseGroup): IssueFilter => ({
  ...filter,
  groups: filter.groups.includes(group) ? filter.groups.filter((g) => g !== group) : inOrder([...filter.groups, group]),
});
