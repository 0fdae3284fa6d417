import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, ApiError, unwrap } from "@/lib/api-client";
import type { Conversation, SteerAction } from "../types";
import { storeConversation } from "./conversation-cache";
import { conversationKeys } from "./keys";

export const steerRun = (conversationId: number, action: SteerAction) =>
  unwrap(
    api.POST("/api/conversations/{conversation_id}/{action}", {
      params: { path: { conversation_id: conversationId, action } },
    }),
  );

/** Pause, resume or cancel the conversation's run (202; 409 when no run is in progress). */
export const useSteerRun = (conversation: Conversation) => {
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: conversationKeys.detail(conversation.id) });
    if (conversation.project_id !== null) {
      void queryClient.invalidateQueries({ queryKey: conversationKeys.list(conversation.project_id) });
    }
  };
  return useMutation<Conversation, ApiError, SteerAction>({
    mutationFn: (action) => steerRun(conversation.id, action),
    onSuccess: (updated, action) => {
      // The answer is the conversation as the signal leaves it (paused or not), in the list too.
      storeConversation(queryClient, updated);
      // A cancelled run finishes shortly after the signal.
      if (action === "cancel") setTimeout(refresh, 2_000);
    },
    onError: (error) => {
      // 409: the run has ended meanwhile; show the conversation as it is now.
      if (error.status === 409) refresh();
    },
  });
};
