import type { Conversation } from "./types";

/** One conversation of an issue's run: an agent's step, named as a person says it. */
export interface RunChannel {
  conversation: Conversation;
  /** E.g. "Plan #1", "Task 2", "Review #1, attempt 2". */
  label: string;
  agent: string;
}

/** An issue's conversation with the agents' runs it started, oldest first. */
export interface IssueGroup {
  runId: string;
  issue: Conversation | undefined;
  runs: RunChannel[];
}

const STEP_WORDS: Record<string, string> = {
  plan: "Plan",
  spec: "Spec",
  task: "Task",
  test: "Test",
  fix: "Fix",
  review: "Review",
  changes: "Changes",
  reject: "Rejection",
  rework: "Rework",
};

/** The issue run an agent's run belongs to: `issue/{project}/{n}/{agent}/{label}` → `issue/{project}/{n}`. */
function issueRunOf(runId: string | null): { issueRun: string; agent: string; label: string } | null {
  const match = runId?.match(/^(issue\/[^/]+\/\d+)\/([^/]+)\/([^/]+)$/);
  return match ? { issueRun: match[1]!, agent: match[2]!, label: match[3]! } : null;
}

/** `plan-1` → "Plan #1"; `task-2` → "Task 2"; `review-1-retry-1` → "Review #1, attempt 2". */
export function stepLabel(label: string): string {
  const match = label.match(/^([a-z]+)-(\d+)(?:-retry-(\d+))?$/);
  if (!match) return label;
  const [, step, number, retry] = match;
  const word = STEP_WORDS[step!] ?? step!;
  const named = step === "task" ? `${word} ${number}` : `${word} #${number}`;
  return retry ? `${named}, attempt ${Number(retry) + 1}` : named;
}

/**
 * Sort a project's conversations into issue groups (the issue's own conversation, then its
 * agents' runs, oldest first) and the rest (inboxes, runs started by hand), keeping the
 * server's order (newest first) between groups.
 */
export function groupByIssue(conversations: readonly Conversation[]): (IssueGroup | Conversation)[] {
  const groups = new Map<string, IssueGroup>();
  const result: (IssueGroup | Conversation)[] = [];
  const groupOf = (runId: string) => {
    let group = groups.get(runId);
    if (!group) {
      group = { runId, issue: undefined, runs: [] };
      groups.set(runId, group);
      result.push(group);
    }
    return group;
  };
  for (const conversation of conversations) {
    const run = issueRunOf(conversation.run_id);
    if (conversation.kind === "issue" && conversation.run_id) groupOf(conversation.run_id).issue = conversation;
    else if (run) groupOf(run.issueRun).runs.push({ conversation, agent: run.agent, label: stepLabel(run.label) });
    else result.push(conversation);
  }
  for (const group of groups.values()) group.runs.sort((a, b) => a.conversation.id - b.conversation.id);
  return result;
}

export const isIssueGroup = (entry: IssueGroup | Conversation): entry is IssueGroup => "runs" in entry;
