import type { QueryClient } from "@tanstack/react-query";

import type { MessageEvent, ToolCallPayload } from "@/lib/socket";
import type { Message } from "../types";
import { messageKeys } from "./keys";

/**
 * Merge messages into a list ordered by id, one entry per id. `incoming` wins over a copy
 * already there only when `replace` is set (REST answers are complete; socket events lack
 * `tool_call_id`).
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[], replace: boolean): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const byId = new Map<number, Message>();
  for (const message of existing) byId.set(message.id, message);
  let changed = false;
  for (const message of incoming) {
    if (byId.has(message.id) && !replace) continue;
    byId.set(message.id, message);
    changed = true;
  }
  if (!changed) return existing as Message[];
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function messageOfEvent(event: MessageEvent): Message {
  return {
    id: event.id,
    conversation_id: event.conversation_id,
    author: event.author,
    role: event.role,
    content: event.content,
    tool_calls: event.tool_calls as unknown as Message["tool_calls"],
    tool_call_id: null,
    tokens: event.tokens,
    cost: event.cost,
    timestamp: event.timestamp,
  };
}

/** Add messages to a cached conversation. False when that conversation's messages are not cached. */
export function storeMessages(
  queryClient: QueryClient,
  conversationId: number,
  messages: Message[],
  replace: boolean,
): boolean {
  let cached = false;
  queryClient.setQueryData<Message[]>(messageKeys.list(conversationId), (existing) => {
    if (!existing) return existing;
    cached = true;
    return mergeMessages(existing, messages, replace);
  });
  return cached;
}

/** The tool calls of an assistant message, whatever the stored JSON holds. */
export function toolCallsOf(message: Message): ToolCallPayload[] {
  if (!Array.isArray(message.tool_calls)) return [];
  return message.tool_calls.map((call, index) => ({
    id: typeof call.id === "string" ? call.id : `call-${index}`,
    name: typeof call.name === "string" ? call.name : "tool",
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
}
