import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import { sendMessageOverSocket } from "@/lib/socket";
import type { Message, MessageCreate } from "../types";
import { messageKeys } from "./keys";
import { storeMessages } from "./message-cache";

export const postMessage = (conversationId: number, input: MessageCreate) =>
  unwrap(
    api.POST("/api/conversations/{conversation_id}/messages", {
      params: { path: { conversation_id: conversationId } },
      body: input,
    }),
  );

/**
 * Step into a conversation: `send_message` over the socket (its `message` event shows it),
 * or REST when the socket is down, slow or refuses. The agent reads it at its next step.
 */
export const useSendMessage = (conversationId: number) => {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError | Error, string>({
    mutationFn: async (content) => {
      let id: number | null;
      try {
        id = await sendMessageOverSocket(conversationId, content);
      } catch {
        const message = await postMessage(conversationId, { content });
        storeMessages(queryClient, conversationId, [message], true);
        return;
      }
      // The event normally arrives first; if it has not, catch up from REST.
      const cached = queryClient.getQueryData<Message[]>(messageKeys.list(conversationId));
      if (id === null || !cached?.some((m) => m.id === id)) {
        setTimeout(() => void queryClient.invalidateQueries({ queryKey: messageKeys.list(conversationId) }), 1_000);
      }
    },
  });
};
