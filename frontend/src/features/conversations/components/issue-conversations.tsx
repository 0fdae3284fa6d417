import { Link } from "react-router-dom";

import { QueryState } from "@/components/query-state";
import { useConversations } from "../api/get-conversations";
import { groupByIssue, isIssueGroup, type IssueGroup } from "../grouping";
import { conversationName } from "../naming";
import { runState } from "../types";

/**
 * An issue's conversations (its own, then its agents' runs, oldest first), named as the channel
 * list and each conversation's header name them. The project's list is the channel list's: no
 * request of its own while the sidebar shows.
 */
export function IssueConversations({
  projectId,
  runId,
  emergencyPause,
}: {
  projectId: number;
  /** The issue's run (`issue/{project}/{n}`): its conversations carry it. */
  runId: string;
  emergencyPause: boolean;
}) {
  const conversations = useConversations(projectId);
  return (
    <QueryState query={conversations} loading="Loading conversations…" className="py-1">
      {(list) => {
        const group = groupByIssue(list).find(
          (entry): entry is IssueGroup => isIssueGroup(entry) && entry.runId === runId,
        );
        const shown = group ? [...(group.issue ? [group.issue] : []), ...group.runs] : [];
        if (shown.length === 0) return <p className="text-sm text-muted-foreground">No conversation yet.</p>;
        return (
          <ul aria-label="Conversations of this issue" className="grid gap-1 text-sm">
            {shown.map((conversation) => {
              const run = runState(conversation, emergencyPause);
              return (
                <li key={conversation.id} className="flex min-w-0 items-baseline gap-2">
                  <Link
                    to={`/projects/${projectId}/conversations/${conversation.id}`}
                    title={conversation.title}
                    className="truncate text-primary hover:underline"
                  >
                    {conversationName(conversation)}
                  </Link>
                  <span className="shrink-0 text-xs text-muted-foreground">
                    {run === "finished" && conversation.outcome ? `finished: ${conversation.outcome}` : run}
                  </span>
                </li>
              );
            })}
          </ul>
        );
      }}
    </QueryState>
  );
}
