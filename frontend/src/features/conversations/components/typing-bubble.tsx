import type { Typing } from "@/stores/typing";
import { parseAuthor } from "../authors";
import { AuthorAvatar, type AgentRoles } from "./message-item";

/**
 * The answer an agent is streaming, shown where its message will appear. It sits outside the
 * `log` region, so screen readers hear "… is typing" once instead of every token.
 */
export function TypingBubble({ typing, agentRoles }: { typing: Typing; agentRoles: AgentRoles }) {
  const author = parseAuthor(typing.author);
  const name = author.kind === "agent" || author.kind === "tool" ? author.name : "The agent";
  return (
    <div className="flex gap-3 px-4 py-2" data-typing-step={typing.step}>
      <AuthorAvatar author={author} agentRoles={agentRoles} />
      <div className="grid min-w-0 flex-1 grid-cols-1 gap-1">
        <div className="flex items-center gap-2">
          <span className="text-sm font-semibold">{name}</span>
          <span role="status" className="flex items-center gap-1 text-xs text-muted-foreground">
            <span className="sr-only">{name} is </span>typing
            <span aria-hidden="true" className="flex gap-0.5">
              <span className="h-1 w-1 animate-bounce rounded-full bg-muted-foreground [animation-delay:-0.3s]" />
              <span className="h-1 w-1 animate-bounce rounded-full bg-muted-foreground [animation-delay:-0.15s]" />
              <span className="h-1 w-1 animate-bounce rounded-full bg-muted-foreground" />
            </span>
          </span>
        </div>
        <div className="whitespace-pre-wrap break-words rounded-md border border-dashed border-sky-500/30 bg-sky-500/5 px-2 py-1 text-sm leading-relaxed">
          {typing.text}
          <span
            aria-hidden="true"
            className="ml-0.5 inline-block h-4 w-1.5 translate-y-0.5 animate-pulse bg-sky-300/70"
          />
        </div>
      </div>
    </div>
  );
}
