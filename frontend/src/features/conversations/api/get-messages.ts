import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import type { Message } from "../types";
import { messageKeys } from "./keys";
import { mergeMessages } from "./message-cache";

const PAGE = 500;

/**
 * Per conversation, the id up to which the cache holds every message (what REST returned).
 * Socket events do not move it: an event can arrive before older messages were fetched.
 */
const syncedUpTo = new Map<number, number>();

export const getMessages = (conversationId: number, afterId: number, limit = PAGE) =>
  unwrap(
    api.GET("/api/conversations/{conversation_id}/messages", {
      params: { path: { conversation_id: conversationId }, query: { after_id: afterId, limit } },
    }),
  );

/**
 * The query function is a catch-up: with messages cached it fetches only those after the
 * synced id and merges them (socket events may have added some meanwhile). Without, it fetches
 * the whole conversation page by page. So invalidating the query after a reconnect is cheap.
 */
async function fetchMessages(queryClient: QueryClient, conversationId: number): Promise<Message[]> {
  const key = messageKeys.list(conversationId);
  const cachedAtStart = queryClient.getQueryData<Message[]>(key) !== undefined;
  let after = cachedAtStart ? (syncedUpTo.get(conversationId) ?? 0) : 0;
  const fetched: Message[] = [];
  for (;;) {
    const page = await getMessages(conversationId, after);
    fetched.push(...page);
    const last = page.at(-1);
    if (last) after = last.id;
    if (page.length < PAGE) break;
  }
  syncedUpTo.set(conversationId, after);
  // Read the cache again: events that came in during the fetch are in it now.
  const current = queryClient.getQueryData<Message[]>(key) ?? [];
  return mergeMessages(current, fetched, true);
}

export const useMessages = (conversationId: number) => {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: messageKeys.list(conversationId),
    queryFn: () => fetchMessages(queryClient, conversationId),
    // New messages arrive over the socket; the catch-up runs on (re)join and focus.
    staleTime: 60_000,
  });
};
