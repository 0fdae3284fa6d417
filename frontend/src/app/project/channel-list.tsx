import { useId, type ReactNode } from "react";
import { Bot, CircleDot, Hash, Inbox, LayoutDashboard } from "lucide-react";
import { Link, matchPath, NavLink, useLocation } from "react-router-dom";

import { Avatar } from "@/components/avatar";
import { QueryState } from "@/components/query-state";
import { cn } from "@/lib/cn";
import { useAgents } from "@/features/agents/api/get-agents";
import { ROLE_COLOR, STATUS_LABEL, StatusDot } from "@/components/agent-status";
import { shownStatus } from "@/features/agents/shown-status";
import type { Agent } from "@/features/agents/types";
import { useConversations } from "@/features/conversations/api/get-conversations";
import { groupByIssue, isIssueGroup } from "@/features/conversations/grouping";
import { conversationName } from "@/features/conversations/naming";
import { runState, type Conversation } from "@/features/conversations/types";
import { useEmergencyPause } from "@/features/system/api/get-system-state";
import { RunBadge } from "./run-badge";

/** A row of the list; highlighted on hover and when its link is the current page. */
const rowClasses =
  "group relative rounded-md transition-colors hover:bg-sidebar-accent has-[[aria-current=page]]:bg-sidebar-accent";

const itemClasses = (isActive: boolean) =>
  cn(
    "flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-sm group-hover:text-foreground",
    "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
    // The whole row is the link's target, including the description under it.
    "after:absolute after:inset-0 after:rounded-md after:content-['']",
    isActive ? "font-medium text-foreground" : "text-sidebar-foreground",
  );

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="grid grid-cols-1 gap-0.5">
      <h2 id={id} className="px-2 pb-1 pt-3 text-[11px] font-semibold uppercase tracking-wide text-muted-foreground">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Notice({ children }: { children: ReactNode }) {
  return <p className="px-2 py-1 text-xs text-muted-foreground">{children}</p>;
}

/** The shared loading and error states, at the size of the list's rows. */
const STATE_CLASSES = "px-2 py-1 text-xs";

function AgentChannel({
  projectId,
  agent,
  emergencyPause,
}: {
  projectId: number;
  agent: Agent;
  emergencyPause: boolean;
}) {
  const taskId = useId();
  const status = shownStatus(agent, emergencyPause);
  return (
    <li className={rowClasses}>
      {/* The link's name is the agent, its role and status; the task is its description (kept out of the
          name so a task titled like an issue does not compete with the issue's own link). */}
      <NavLink
        to={`/projects/${projectId}/agents/${agent.id}`}
        aria-describedby={agent.current_task ? taskId : undefined}
        className={({ isActive }) => itemClasses(isActive)}
      >
        <Avatar name={agent.name} size="sm" color={ROLE_COLOR[agent.role]} badge={<StatusDot status={status} ring />} />
        <span className="truncate">{agent.name}</span>
        <span className="sr-only">
          , {agent.role}, {STATUS_LABEL[status]}
        </span>
        <span aria-hidden="true" className="ml-auto shrink-0 text-[10px] uppercase tracking-wide text-muted-foreground">
          {agent.role}
        </span>
      </NavLink>
      {agent.current_task && (
        <p
          id={taskId}
          className={cn(
            "-mt-1 truncate pb-1 pl-10 pr-2 text-xs",
            agent.status === "error" ? "text-red-300" : "text-muted-foreground",
          )}
          title={agent.current_task}
        >
          {agent.current_task}
        </p>
      )}
    </li>
  );
}

const KIND_ICON: Record<string, ReactNode> = {
  task: <Hash />,
  issue: <CircleDot />,
  inbox: <Inbox />,
};

function ConversationChannel({
  projectId,
  conversation,
  agentName,
  emergencyPause,
  nested = false,
}: {
  projectId: number;
  conversation: Conversation;
  agentName: string | null;
  emergencyPause: boolean;
  nested?: boolean;
}) {
  const descriptionId = useId();
  const name = conversationName(conversation);
  const run = runState(conversation, emergencyPause);
  const state = run === "finished" && conversation.outcome ? `finished: ${conversation.outcome}` : run;
  return (
    <li className={cn(rowClasses, nested && "ml-4")}>
      {/* Named by what the row says; what it is and whether it is live is the description. */}
      <NavLink
        to={`/projects/${projectId}/conversations/${conversation.id}`}
        aria-describedby={descriptionId}
        title={conversation.title}
        className={({ isActive }) => itemClasses(isActive)}
      >
        <span aria-hidden="true" className="text-muted-foreground [&_svg]:size-4">
          {KIND_ICON[conversation.kind] ?? <Hash />}
        </span>
        <span className={cn("truncate", run === "finished" && "text-muted-foreground group-hover:text-foreground")}>
          {name}
        </span>
        {run !== "finished" && <RunBadge run={run} className="ml-auto" />}
      </NavLink>
      <span id={descriptionId} className="sr-only">
        {conversation.kind} conversation{agentName ? ` with ${agentName}` : ""}, {state}
      </span>
    </li>
  );
}

/** The conversations, an issue's runs nested under the issue's own. */
function ConversationTree({
  projectId,
  conversations,
  agentName,
  emergencyPause,
}: {
  projectId: number;
  conversations: Conversation[];
  agentName: (agentId: number | null) => string | null;
  emergencyPause: boolean;
}) {
  return (
    <ul className="grid grid-cols-1 gap-0.5">
      {groupByIssue(conversations).map((entry) =>
        isIssueGroup(entry) ? (
          <li key={entry.runId}>
            <ul aria-label={entry.issue?.title ?? entry.runId} className="grid grid-cols-1 gap-0.5">
              {entry.issue && (
                <ConversationChannel
                  projectId={projectId}
                  conversation={entry.issue}
                  agentName={null}
                  emergencyPause={emergencyPause}
                />
              )}
              {entry.runs.map((run) => (
                <ConversationChannel
                  key={run.id}
                  projectId={projectId}
                  conversation={run}
                  agentName={agentName(run.agent_id)}
                  emergencyPause={emergencyPause}
                  nested
                />
              ))}
            </ul>
          </li>
        ) : (
          <ConversationChannel
            key={entry.id}
            projectId={projectId}
            conversation={entry}
            agentName={agentName(entry.agent_id)}
            emergencyPause={emergencyPause}
          />
        ),
      )}
    </ul>
  );
}

/** The project's channels, Discord-style: the overview, then the agents, then the conversations. */
export function ChannelList({ projectId, projectName }: { projectId: number; projectName?: string }) {
  const agents = useAgents(projectId);
  const conversations = useConversations(projectId);
  // It holds every run: the agents at work and the live conversations show paused with it.
  const emergencyPause = useEmergencyPause();
  const { pathname } = useLocation();
  const overviewActive =
    matchPath("/projects/:projectId", pathname) !== null ||
    matchPath("/projects/:projectId/issues/*", pathname) !== null;
  const agentName = (id: number | null) => agents.data?.find((a) => a.id === id)?.name ?? null;

  return (
    <nav
      aria-label="Channels"
      className="relative flex max-h-72 shrink-0 flex-col overflow-y-auto rounded-lg border border-sidebar-border bg-sidebar p-2 lg:max-h-none lg:w-64"
    >
      {/* shrink-0: `truncate` hides overflow, which lets a flex item shrink below its text once
          the channels fill the list. */}
      <p className="shrink-0 truncate px-2 pb-1 pt-1 text-sm font-semibold" title={projectName}>
        {projectName ?? "Project"}
      </p>
      <ul className="grid grid-cols-1 gap-0.5">
        <li className={rowClasses}>
          {/* The person's assistant comes first: one for all projects. */}
          <NavLink to="/orchestrator" className={({ isActive }) => itemClasses(isActive)}>
            <Bot className="h-4 w-4 text-muted-foreground" aria-hidden="true" />
            Orchestrator
          </NavLink>
        </li>
        <li className={rowClasses}>
          {/* A plain Link: NavLink would count the conversations and agents as "inside" the overview. */}
          <Link
            to={`/projects/${projectId}`}
            aria-current={overviewActive ? "page" : undefined}
            className={itemClasses(overviewActive)}
          >
            <LayoutDashboard className="h-4 w-4 text-muted-foreground" aria-hidden="true" />
            Overview
          </Link>
        </li>
      </ul>

      <Section title="Agents">
        <QueryState query={agents} loading="Loading agents…" className={STATE_CLASSES}>
          {(list) =>
            list.length === 0 ? (
              <Notice>No agents in this project.</Notice>
            ) : (
              <ul className="grid grid-cols-1 gap-0.5">
                {list.map((agent) => (
                  <AgentChannel key={agent.id} projectId={projectId} agent={agent} emergencyPause={emergencyPause} />
                ))}
              </ul>
            )
          }
        </QueryState>
      </Section>

      <Section title="Conversations">
        <QueryState query={conversations} loading="Loading conversations…" className={STATE_CLASSES}>
          {(list) =>
            list.length === 0 ? (
              <Notice>No conversations yet. Give an agent a task.</Notice>
            ) : (
              <ConversationTree
                projectId={projectId}
                conversations={list}
                agentName={agentName}
                emergencyPause={emergencyPause}
              />
            )
          }
        </QueryState>
      </Section>
    </nav>
  );
}
