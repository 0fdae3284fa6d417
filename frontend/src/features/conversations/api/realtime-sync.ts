import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { isFinalPhase } from "@/lib/run-phases";
import {
  onConversationJoined,
  onProjectJoined,
  socket,
  type AgentStatusEvent,
  type ConversationEvent,
  type MessageDeltaEvent,
  type MessageEvent,
  type TaskProgressEvent,
} from "@/lib/socket";
import { useAuthStore } from "@/stores/auth";
import { useTypingStore } from "@/stores/typing";
import { finishConversation, listsConversation, storeConversation } from "./conversation-cache";
import { conversationKeys, messageKeys } from "./keys";
import { messageOfEvent, storeMessages } from "./message-cache";

/**
 * Apply the conversation events to the query cache for the life of the app, without asking
 * the server again unless an event says something the cache cannot take in:
 * - `message`: appended to its conversation (deduplicated by id), ends the typing bubble;
 * - `message_delta`: the typing bubble (Zustand, not the query cache: it is not server state);
 * - `conversation`: a run's conversation opened, added to its project's list;
 * - `agent_status`: a run ended, its conversation marked finished with the outcome; a run that
 *   starts in a conversation the list lacks (its event was missed) refetches the list;
 * - `task_progress` in a final phase: the issue's own conversation is finished.
 * After a (re)join of a conversation room its messages are caught up from REST; after a (re)join
 * of a project room its conversations are refetched (events before the join were not ours).
 */
export function useConversationRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const stored = storeMessages(queryClient, event.conversation_id, [messageOfEvent(event)], false);
      // Not cached yet (the first fetch is under way): fetch again so the message is not lost.
      if (!stored) void queryClient.invalidateQueries({ queryKey: messageKeys.list(event.conversation_id), exact: true });
      if (event.role === "assistant") useTypingStore.getState().finish(event.conversation_id, event.author);
    };

    const onDelta = (event: MessageDeltaEvent) => useTypingStore.getState().append(event);

    const onConversation = (event: ConversationEvent) => {
      storeConversation(queryClient, event);
    };

    const onAgentStatus = (event: AgentStatusEvent) => {
      if (event.status !== "working") useTypingStore.getState().finishAuthor(`agent:${event.name}`);
      const { project_id: projectId, conversation_id: conversationId } = event;
      if (projectId === undefined || conversationId === undefined) return;
      if (event.status === "working") {
        if (listsConversation(queryClient, projectId, conversationId) === false) {
          void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId), exact: true });
        }
        return;
      }
      const found = finishConversation(queryClient, projectId, { id: conversationId }, event.outcome ?? null);
      if (!found) void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId), exact: true });
    };

    const onTaskProgress = (event: TaskProgressEvent) => {
      if (!isFinalPhase(event.status)) return;
      finishConversation(queryClient, event.project_id, { runId: event.task_id }, event.status);
    };

    // Events missed while disconnected are gone: refetch the lists after a reconnect
    // (messages catch up when their rooms are joined again).
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) {
        void queryClient.invalidateQueries({ queryKey: ["conversations"] });
        void queryClient.invalidateQueries({ queryKey: conversationKeys.details() });
        useTypingStore.getState().reset();
      }
      connectedBefore = true;
    };

    const stopJoined = onConversationJoined((conversationId, ack) => {
      if (!ack.ok) return;
      void queryClient.invalidateQueries({ queryKey: messageKeys.list(conversationId), exact: true });
    });

    // Events sent between the first fetch and the join were not for this socket yet.
    const stopProjectJoined = onProjectJoined((projectId, ack) => {
      if (!ack.ok) return;
      void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId) });
    });

    const stopAuth = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") useTypingStore.getState().reset();
    });

    socket.on("message", onMessage);
    socket.on("message_delta", onDelta);
    socket.on("conversation", onConversation);
    socket.on("agent_status", onAgentStatus);
    socket.on("task_progress", onTaskProgress);
    socket.on("connect", onConnect);
    return () => {
      socket.off("message", onMessage);
      socket.off("message_delta", onDelta);
      socket.off("conversation", onConversation);
      socket.off("agent_status", onAgentStatus);
      socket.off("task_progress", onTaskProgress);
      socket.off("connect", onConnect);
      stopJoined();
      stopProjectJoined();
      stopAuth();
    };
  }, [queryClient]);
}
