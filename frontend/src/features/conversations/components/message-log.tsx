import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ArrowDown } from "lucide-react";

import { Button } from "@/components/ui/button";
import type { Typing } from "@/stores/typing";
import type { Message } from "../types";
import { MessageItem, type AgentRoles, type Me } from "./message-item";
import { TypingBubble } from "./typing-bubble";

/** Within this many pixels of the bottom counts as "at the newest message". */
const BOTTOM_SLACK_PX = 48;

interface MessageLogProps {
  messages: Message[];
  typing: Typing | undefined;
  me: Me | null;
  agentRoles: AgentRoles;
}

/**
 * The chat: follows the newest message while the reader is at the bottom; once they scroll
 * up it stays put and offers a jump back instead.
 */
export function MessageLog({ messages, typing, me, agentRoles }: MessageLogProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const seenCount = useRef(messages.length);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);

  const scrollToBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
    following.current = bottom;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
  };

  // Before paint, so the view never flashes at the old position.
  useLayoutEffect(() => {
    const added = messages.length - seenCount.current;
    seenCount.current = messages.length;
    if (following.current) scrollToBottom();
    else if (added > 0) setUnseen((count) => count + added);
  }, [messages.length, typing?.text, scrollToBottom]);

  // The pane changing size (window, composer) keeps a follower at the bottom.
  useEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (following.current) scrollToBottom();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [scrollToBottom]);

  const jump = () => {
    following.current = true;
    setAtBottom(true);
    setUnseen(0);
    // Glides down, unless the system asks for less motion (a script's "smooth" ignores the CSS).
    const still = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight, behavior: still ? "instant" : "smooth" });
  };

  return (
    <div className="relative flex min-h-0 flex-col lg:flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        // `relative`: the containing block of the sr-only (absolute) texts inside, so they scroll
        // and clip with the messages instead of stretching the page.
        className="relative h-[60vh] overflow-y-auto rounded-lg border bg-card py-2 lg:h-auto lg:flex-1"
        data-testid="message-scroller"
      >
        {messages.length === 0 && !typing && (
          <p className="px-4 py-6 text-center text-sm text-muted-foreground">No messages yet.</p>
        )}
        <div role="log" aria-label="Conversation messages" className="grid">
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} me={me} agentRoles={agentRoles} />
          ))}
        </div>
        {typing && <TypingBubble typing={typing} agentRoles={agentRoles} />}
      </div>
      {!atBottom && (
        <Button
          type="button"
          size="sm"
          variant={unseen > 0 ? "default" : "secondary"}
          onClick={jump}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 shadow-lg"
        >
          <ArrowDown aria-hidden="true" />
          {unseen > 0 ? `${unseen} new ${unseen === 1 ? "message" : "messages"}` : "Jump to the newest"}
        </Button>
      )}
    </div>
  );
}
