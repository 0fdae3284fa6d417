import { issueRunStepOf } from "./naming";
import type { Conversation } from "./types";

/** An issue's conversation with the agents' runs it started (their conversations), oldest first. */
export interface IssueGroup {
  runId: string;
  issue: Conversation | undefined;
  runs: Conversation[];
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
    const run = issueRunStepOf(conversation.run_id);
    if (conversation.kind === "issue" && conversation.run_id) groupOf(conversation.run_id).issue = conversation;
    else if (run) groupOf(run.issueRun).runs.push(conversation);
    else result.push(conversation);
  }
  for (const group of groups.values()) group.runs.sort((a, b) => a.id - b.id);
  return result;
}

export const isIssueGroup = (entry: IssueGroup | Conversation): entry is IssueGroup => "runs" in entry;
