import type { Conversation } from "./types";

/**
 * A conversation's name, the same wherever it shows (the channel list, the conversation's header,
 * the issue page): an issue's agent runs are named from their run id, which says the issue and the
 * step for every run ever stored, where the stored title (the agent's brief) does not.
 */

/** An agent's run in an issue's run: `issue/{project}/{n}/{agent}/{label}`. */
export interface IssueRunStep {
  /** The issue's run, `issue/{project}/{n}`. */
  issueRun: string;
  issueNumber: number;
  agent: string;
  /** The step as the workflow labels it: `plan-1`, `task-2-conflict-1-retry-1`, … */
  label: string;
}

export function issueRunStepOf(runId: string | null): IssueRunStep | null {
  const match = runId?.match(/^(issue\/[^/]+\/(\d+))\/([^/]+)\/([^/]+)$/);
  if (!match) return null;
  return { issueRun: match[1]!, issueNumber: Number(match[2]), agent: match[3]!, label: match[4]! };
}

/** The workflow's step labels (`workflows/issue.py`), as a person says them. */
const STEP_WORDS: Record<string, string> = {
  plan: "Plan",
  task: "Task",
  test: "Test",
  fix: "Fix",
  review: "Review",
  changes: "Changes",
  rework: "Rework",
  ci: "CI fix",
  base: "Base merge",
};

/**
 * `plan-1` → "Plan" (an issue has one plan unless the person sends the spec back: `plan-2` →
 * "Plan 2"); `rework-1` → "Rework 1"; `task-2-conflict-1` → "Task 2, conflicts 1";
 * `review-1-retry-1` → "Review 1, attempt 2". A label it does not know stays as it is.
 */
export function stepName(label: string): string {
  const match = label.match(/^([a-z]+)-(\d+)(?:-conflict-(\d+))?(?:-retry-(\d+))?$/);
  const word = match ? STEP_WORDS[match[1]!] : undefined;
  if (!match || word === undefined) return label;
  const [, step, number, conflict, retry] = match;
  let name = step === "plan" && number === "1" ? word : `${word} ${number}`;
  if (conflict) name += `, conflicts ${conflict}`;
  if (retry) name += `, attempt ${Number(retry) + 1}`;
  return name;
}

/** "architect · #12 Plan", "coder_1 · #12 Rework 1"; any other conversation by its title. */
export function conversationName(conversation: Pick<Conversation, "run_id" | "title">): string {
  const run = issueRunStepOf(conversation.run_id);
  return run ? `${run.agent} · #${run.issueNumber} ${stepName(run.label)}` : conversation.title;
}
