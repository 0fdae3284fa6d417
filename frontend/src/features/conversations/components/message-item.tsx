import { memo, useId, type ReactNode } from "react";
import { Bot, Cog, User, Wrench } from "lucide-react";

import { Avatar } from "@/components/avatar";
import { cn } from "@/lib/cn";
import { formatCost, formatTimestamp, formatTokens } from "@/lib/format";
import { ROLE_COLOR, type AgentRole } from "@/components/agent-status";
import { authorName, parseAuthor, type Author } from "../authors";
import { toolCallsOf } from "../api/message-cache";
import type { Message } from "../types";
import { SystemPromptBlock, ToolCallBlock, ToolResultBlock } from "./tool-blocks";

export interface Me {
  id: number;
  email: string;
}

/** Agents by name, for their role colour. */
export type AgentRoles = ReadonlyMap<string, AgentRole>;

export function AuthorAvatar({ author, agentRoles }: { author: Author; agentRoles: AgentRoles }) {
  switch (author.kind) {
    case "agent": {
      const role = agentRoles.get(author.name);
      return (
        <Avatar name={author.name} color={role ? ROLE_COLOR[role] : undefined} icon={role ? undefined : <Bot />} />
      );
    }
    case "user":
      return <Avatar name="you" icon={<User />} color="bg-primary" />;
    case "tool":
      return <Avatar name={author.name} icon={<Wrench />} color="bg-zinc-700" size="sm" className="mx-1.5" />;
    case "system":
      return <Avatar name="MCC" icon={<Cog />} color="bg-zinc-600" />;
  }
}

function RoleTag({ role }: { role: string }) {
  const classes: Record<string, string> = {
    system: "border-zinc-500/40 text-zinc-300",
    user: "border-primary/40 text-primary",
    assistant: "border-sky-500/40 text-sky-300",
    tool: "border-amber-500/40 text-amber-300",
  };
  return (
    <span
      className={cn(
        "rounded border px-1 text-[10px] font-medium uppercase leading-4 tracking-wide",
        classes[role] ?? "border-border text-muted-foreground",
      )}
    >
      {role}
    </span>
  );
}

/**
 * The tag beside the author. A message's role is its place in the model's conversation; an agent's
 * or MCC's note on an issue is in the "user" role there, but was not written by the person: it is
 * tagged as a note, not "user".
 */
function tagOf(role: string, author: Author): string {
  return role === "user" && author.kind !== "user" ? "note" : role;
}

function Usage({ tokens, cost }: { tokens: number; cost: number }) {
  if (tokens === 0 && cost === 0) return null;
  return (
    <span
      className="ml-auto whitespace-nowrap font-mono text-[11px] text-muted-foreground"
      title="Tokens (in + out) and cost of this step"
    >
      {formatTokens(tokens)} · {formatCost(cost)}
    </span>
  );
}

function Text({ children }: { children: ReactNode }) {
  return <div className="whitespace-pre-wrap break-words text-sm leading-relaxed">{children}</div>;
}

function Body({ message, author }: { message: Message; author: Author }) {
  if (message.role === "system") return <SystemPromptBlock content={message.content} />;
  if (message.role === "tool") {
    return <ToolResultBlock name={author.kind === "tool" ? author.name : "the tool"} content={message.content} />;
  }
  const calls = message.role === "assistant" ? toolCallsOf(message) : [];
  return (
    <div className="grid grid-cols-1 gap-1.5">
      {message.content.trim() && <Text>{message.content}</Text>}
      {calls.map((call) => (
        <ToolCallBlock key={call.id} call={call} />
      ))}
      {!message.content.trim() && calls.length === 0 && (
        <p className="text-sm italic text-muted-foreground">(empty message)</p>
      )}
    </div>
  );
}

const ROW_STYLE: Record<string, string> = {
  system: "opacity-90",
  tool: "py-1",
};

/** One message of the chat, as an article named by its author. */
export const MessageItem = memo(function MessageItem({
  message,
  me,
  agentRoles,
}: {
  message: Message;
  me: Me | null;
  agentRoles: AgentRoles;
}) {
  const nameId = useId();
  const author = parseAuthor(message.author);
  const name = authorName(author, me?.id ?? null);
  return (
    <article
      aria-labelledby={nameId}
      data-role={message.role}
      data-message-id={message.id}
      className={cn(
        "flex gap-3 border-l-2 border-transparent px-4 py-2 hover:bg-muted/20",
        ROW_STYLE[message.role],
        author.kind === "user" && "border-primary/70 bg-primary/5",
      )}
    >
      <AuthorAvatar author={author} agentRoles={agentRoles} />
      <div className="grid min-w-0 flex-1 grid-cols-1 gap-1">
        <header className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
          <span id={nameId} className={cn("text-sm font-semibold", author.kind === "tool" && "font-mono text-xs")}>
            {name}
          </span>
          <RoleTag role={tagOf(message.role, author)} />
          <time dateTime={message.timestamp} className="text-xs text-muted-foreground">
            {formatTimestamp(message.timestamp)}
          </time>
          <Usage tokens={message.tokens} cost={message.cost} />
        </header>
        <Body message={message} author={author} />
      </div>
    </article>
  );
});
