import { useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import type { Conversation } from "../types";
import { conversationKeys } from "./keys";

export const getConversation = (conversationId: number) =>
  unwrap(api.GET("/api/conversations/{conversation_id}", { params: { path: { conversation_id: conversationId } } }));

/** One conversation; the project's list (when cached) gives it at once, then it is fetched. */
export const useConversation = (projectId: number, conversationId: number) => {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: conversationKeys.detail(conversationId),
    queryFn: () => getConversation(conversationId),
    initialData: () =>
      queryClient.getQueryData<Conversation[]>(conversationKeys.list(projectId))?.find((c) => c.id === conversationId),
    initialDataUpdatedAt: () => queryClient.getQueryState(conversationKeys.list(projectId))?.dataUpdatedAt,
  });
};
