import { useMemo } from "react";
import { ExternalLink, Pause } from "lucide-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";

import { Badge } from "@/components/ui/badge";
import { QueryState } from "@/components/query-state";
import { isNotFound } from "@/lib/not-found";
import { NotFoundRoute } from "../routes/not-found";
import { formatCost, formatTimestamp, formatTokens } from "@/lib/format";
import { temporalNamespaceUrl, temporalWorkflowUrl } from "@/lib/temporal";
import { useAuthStore } from "@/stores/auth";
import { useTypingStore } from "@/stores/typing";
import { agentsQueryOptions } from "@/features/agents/api/get-agents";
import { runKeys } from "@/lib/query-keys";
import type { RunOut } from "@/features/agents/types";
import { issuesQueryOptions } from "@/features/issues/api/get-issues";
import type { Issue } from "@/features/issues/types";
import { useConversationRoom } from "@/features/conversations/api/conversation-room";
import { useConversation } from "@/features/conversations/api/get-conversation";
import { conversationName } from "@/features/conversations/naming";
import { useMessages } from "@/features/conversations/api/get-messages";
import { hasOpenRun, runState, type Conversation, type Message } from "@/features/conversations/types";
import { Composer } from "@/features/conversations/components/composer";
import { MessageLog } from "@/features/conversations/components/message-log";
import { RunControls } from "@/features/conversations/components/run-controls";
import { useEmergencyPause } from "@/features/system/api/get-system-state";

/**
 * The run's page in the Temporal UI: the issue's own link for an issue conversation, the link
 * the server gave when the run was started here, else the Temporal UI base of any issue link
 * (or the local default) with the run id.
 */
function useTemporalUrl(conversation: Conversation): string | null {
  const queryClient = useQueryClient();
  const runId = conversation.run_id;
  const projectId = conversation.project_id;
  const issues = useQuery({ ...issuesQueryOptions(projectId ?? 0), enabled: runId !== null && projectId !== null });
  if (runId === null) return null;
  const own = issues.data?.find((i) => i.conversation_id === conversation.id || i.workflow_id === runId);
  if (own) return own.temporal_url;
  const started = queryClient.getQueryData<RunOut>(runKeys.detail(runId));
  if (started) return started.temporal_url;
  const anyIssue =
    issues.data?.[0] ??
    queryClient
      .getQueriesData<Issue[]>({ queryKey: ["issues"] })
      .map(([, list]) => list?.[0])
      .find((issue) => issue !== undefined);
  return temporalWorkflowUrl(runId, anyIssue ? temporalNamespaceUrl(anyIssue.temporal_url) : null);
}

function Totals({ messages }: { messages: Message[] }) {
  const tokens = messages.reduce((sum, m) => sum + m.tokens, 0);
  const cost = messages.reduce((sum, m) => sum + m.cost, 0);
  if (tokens === 0 && cost === 0) return null;
  return (
    <span className="font-mono text-xs text-muted-foreground" title="Total of the messages so far">
      {formatTokens(tokens)} · {formatCost(cost)}
    </span>
  );
}

/** The agents of the conversation's project (none for the orchestrator's, which has no project). */
function useProjectAgents(conversation: Conversation) {
  const projectId = conversation.project_id;
  return useQuery({ ...agentsQueryOptions(projectId ?? 0), enabled: projectId !== null });
}

function Header({ conversation, messages }: { conversation: Conversation; messages: Message[] | undefined }) {
  const agents = useProjectAgents(conversation);
  const agent = agents.data?.find((a) => a.id === conversation.agent_id);
  const temporalUrl = useTemporalUrl(conversation);
  const emergencyPause = useEmergencyPause();
  const run = runState(conversation, emergencyPause);

  return (
    <header className="grid shrink-0 gap-2">
      <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
        <Badge variant="outline" className="font-normal">
          {conversation.kind}
        </Badge>
        {run === "live" && (
          <Badge className="gap-1 border-red-500/40 bg-red-500/15 text-red-300 hover:bg-red-500/15">
            <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-red-400" aria-hidden="true" />
            live
          </Badge>
        )}
        {run === "paused" && (
          <Badge className="gap-1 border-amber-500/40 bg-amber-500/15 text-amber-300 hover:bg-amber-500/15">
            <Pause className="h-3 w-3" aria-hidden="true" />
            paused
          </Badge>
        )}
        {run === "finished" && (
          <Badge variant="secondary">finished{conversation.outcome ? `: ${conversation.outcome}` : ""}</Badge>
        )}
        {agent && (
          <span>
            with{" "}
            <Link
              to={`/projects/${conversation.project_id}/agents/${agent.id}`}
              className="font-medium text-foreground hover:underline"
            >
              {agent.name}
            </Link>
          </span>
        )}
        <span>started {formatTimestamp(conversation.created_at)}</span>
        {messages && <Totals messages={messages} />}
      </div>
      <h1 className="text-xl font-bold leading-snug tracking-tight [overflow-wrap:anywhere]">
        {conversationName(conversation)}
      </h1>
      <div className="flex flex-wrap items-start justify-between gap-3">
        {hasOpenRun(conversation) ? <RunControls conversation={conversation} /> : <span />}
        {temporalUrl && (
          <a
            href={temporalUrl}
            target="_blank"
            rel="noreferrer noopener"
            className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground hover:underline"
            title={conversation.run_id ?? undefined}
          >
            Temporal UI
            <ExternalLink className="h-3.5 w-3.5" aria-hidden="true" />
          </a>
        )}
      </div>
      {run === "finished" && conversation.summary && (
        <section aria-label="Outcome" className="rounded-md border bg-card px-3 py-2 text-sm">
          <span className="font-semibold">{conversation.outcome ?? "Summary"}:</span>{" "}
          <span className="whitespace-pre-wrap break-words text-muted-foreground">{conversation.summary}</span>
        </section>
      )}
    </header>
  );
}

export function Chat({ conversation }: { conversation: Conversation }) {
  const messages = useMessages(conversation.id);
  const typing = useTypingStore((state) => state.byConversation[conversation.id]);
  const user = useAuthStore((state) => state.user);
  const agents = useProjectAgents(conversation);
  const agentRoles = useMemo(() => new Map(agents.data?.map((a) => [a.name, a.role])), [agents.data]);
  const me = useMemo(() => (user ? { id: user.id, email: user.email } : null), [user]);

  return (
    <>
      <Header conversation={conversation} messages={messages.data} />
      <QueryState query={messages} loading="Loading messages…" className="px-1">
        {(list) => <MessageLog messages={list} typing={typing} me={me} agentRoles={agentRoles} />}
      </QueryState>
      <Composer conversation={conversation} />
    </>
  );
}

/** A conversation as a live chat, with its run's controls and a composer to step in. */
export function ConversationView({ projectId, conversationId }: { projectId: number; conversationId: number }) {
  const conversation = useConversation(projectId, conversationId);
  useConversationRoom(conversationId);

  // Missing, another person's, or another project's: the one "not found" page, like any bad id.
  if (isNotFound(conversation.error) || (conversation.data && conversation.data.project_id !== projectId)) {
    return <NotFoundRoute />;
  }
  return (
    <section aria-label="Conversation" className="flex flex-col gap-3 lg:h-full">
      <QueryState query={conversation} loading="Loading conversation…">
        {(data) => <Chat conversation={data} />}
      </QueryState>
    </section>
  );
}
