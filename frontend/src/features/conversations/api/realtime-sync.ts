import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { isFinalPhase } from "@/lib/run-phases";
import {
  onConversationJoined,
  onProjectJoined,
  onResync,
  onServerEvent,
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
      if (!stored)
        void queryClient.invalidateQueries({ queryKey: messageKeys.list(event.conversation_id), exact: true });
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

    // Events missed while disconnected are replayed when the rooms are joined again; an answer
    // streaming then (not numbered, not replayed) is dropped: its stored message follows.
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) useTypingStore.getState().reset();
      connectedBefore = true;
    };
    // The server no longer has what this tab missed in a room: refetch what its events update.
    const stopResync = onResync((room) => {
      if (room.kind === "project") {
        void queryClient.invalidateQueries({ queryKey: conversationKeys.list(room.id) });
        void queryClient.invalidateQueries({ queryKey: conversationKeys.details() });
      } else if (room.kind === "conversation") {
        void queryClient.invalidateQueries({ queryKey: messageKeys.list(room.id), exact: true });
      }
    });

    // The first join: events sent between the first fetch and the join were not for this socket.
    const stopJoined = onConversationJoined((conversationId, ack) => {
      if (!ack.ok || !ack.fresh) return;
      void queryClient.invalidateQueries({ queryKey: messageKeys.list(conversationId), exact: true });
    });
    const stopProjectJoined = onProjectJoined((projectId, ack) => {
      if (!ack.ok || !ack.fresh) return;
      void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId) });
    });

    const stopAuth = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") useTypingStore.getState().reset();
    });

    const stops = [
      onServerEvent("message", onMessage),
      onServerEvent("message_delta", onDelta),
      onServerEvent("conversation", onConversation),
      onServerEvent("agent_status", onAgentStatus),
      onServerEvent("task_progress", onTaskProgress),
      stopResync,
    ];
    socket.on("connect", onConnect);
    return () => {
      for (const stop of stops) stop();
      socket.off("connect", onConnect);
      stopJoined();
      stopProjectJoined();
      stopAuth();
    };
  }, [queryClient]);
}
