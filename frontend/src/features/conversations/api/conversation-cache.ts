import type { QueryClient } from "@tanstack/react-query";

import { updateFromEvent } from "@/lib/event-cache";
import type { Conversation } from "../types";
import { conversationKeys } from "./keys";

/**
 * Add or replace a conversation in its project's cached list (newest first, like the server)
 * and in its detail cache. Returns false when the project's list is not cached.
 */
export function storeConversation(queryClient: QueryClient, conversation: Conversation): boolean {
  let cached = false;
  // The orchestrator's conversation belongs to the person, in no project's list.
  if (conversation.project_id !== null) {
    updateFromEvent<Conversation[]>(queryClient, conversationKeys.list(conversation.project_id), (list) => {
      if (!list) return list;
      cached = true;
      const known = list.some((c) => c.id === conversation.id);
      return known ? list.map((c) => (c.id === conversation.id ? conversation : c)) : [conversation, ...list];
    });
  }
  updateFromEvent<Conversation>(queryClient, conversationKeys.detail(conversation.id), (current) =>
    current ? { ...current, ...conversation } : current,
  );
  return cached;
}

/** Which conversation ended: by id (an agent's run) or by run id (an issue's run). */
export type ConversationMatch = { id: number } | { runId: string };

const matches = (conversation: Conversation, match: ConversationMatch) =>
  "id" in match ? conversation.id === match.id : conversation.run_id === match.runId;

/**
 * Mark a cached conversation finished with its outcome (and no longer paused), in the list and the detail.
 * Returns whether the project's list held it (false: the list is stale or not cached).
 */
export function finishConversation(
  queryClient: QueryClient,
  projectId: number,
  match: ConversationMatch,
  outcome: string | null,
): boolean {
  let found = false;
  const finish = (conversation: Conversation): Conversation =>
    conversation.status === "finished" &&
    !conversation.paused &&
    conversation.outcome === (outcome ?? conversation.outcome)
      ? conversation
      : { ...conversation, status: "finished", paused: false, outcome: outcome ?? conversation.outcome };
  updateFromEvent<Conversation[]>(queryClient, conversationKeys.list(projectId), (list) =>
    list?.map((conversation) => {
      if (!matches(conversation, match)) return conversation;
      found = true;
      return finish(conversation);
    }),
  );
  for (const [queryKey, conversation] of queryClient.getQueriesData<Conversation>({
    queryKey: conversationKeys.details(),
  })) {
    if (conversation && matches(conversation, match)) updateFromEvent(queryClient, queryKey, finish(conversation));
  }
  return found;
}

/** Whether the project's cached list holds this conversation (undefined: the list is not cached). */
export function listsConversation(
  queryClient: QueryClient,
  projectId: number,
  conversationId: number,
): boolean | undefined {
  return queryClient
    .getQueryData<Conversation[]>(conversationKeys.list(projectId))
    ?.some((conversation) => conversation.id === conversationId);
}
