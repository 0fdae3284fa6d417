import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import {
  onConversationJoined,
  onProjectJoined,
  socket,
  type AgentStatusEvent,
  type MessageDeltaEvent,
  type MessageEvent,
  type TaskProgressEvent,
} from "@/lib/socket";
import { useAuthStore } from "@/stores/auth";
import { useTypingStore } from "@/stores/typing";
import { storeAgentStatus } from "@/features/agents/api/agent-cache";
import { agentKeys } from "@/features/agents/api/keys";
import { issueKeys } from "@/features/issues/api/keys";
import { conversationKeys, messageKeys } from "./keys";
import { messageOfEvent, storeMessages } from "./message-cache";

/**
 * Apply the conversation events to the query cache for the life of the app:
 * - `message`: appended to its conversation (deduplicated by id), ends the typing bubble;
 * - `message_delta`: the typing bubble (Zustand, not the query cache: it is not server state);
 * - `agent_status`: the agent in place; the project's conversations are refetched, since a
 *   run starting or ending is when conversations appear or finish (no event says so).
 * - `task_progress`: an issue's workflow moved, which is when its conversation is opened.
 * After a (re)join of a conversation room its messages are caught up from REST; after a (re)join
 * of a project room its agents, conversations and issues are refetched.
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

    const onAgentStatus = (event: AgentStatusEvent) => {
      const projects = storeAgentStatus(queryClient, event);
      if (projects.length === 0) void queryClient.invalidateQueries({ queryKey: agentKeys.all() });
      for (const projectId of projects) {
        void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId) });
      }
      void queryClient.invalidateQueries({ queryKey: conversationKeys.details() });
      if (event.status !== "working") useTypingStore.getState().finishAuthor(`agent:${event.name}`);
    };

    const onTaskProgress = (event: TaskProgressEvent) => {
      void queryClient.invalidateQueries({ queryKey: conversationKeys.list(event.project_id) });
    };

    // Events missed while disconnected are gone: refetch the lists after a reconnect
    // (messages catch up when their rooms are joined again).
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) {
        void queryClient.invalidateQueries({ queryKey: agentKeys.all() });
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
      void queryClient.invalidateQueries({ queryKey: agentKeys.list(projectId) });
      void queryClient.invalidateQueries({ queryKey: conversationKeys.list(projectId) });
      void queryClient.invalidateQueries({ queryKey: issueKeys.list(projectId) });
    });

    const stopAuth = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") useTypingStore.getState().reset();
    });

    socket.on("message", onMessage);
    socket.on("message_delta", onDelta);
    socket.on("agent_status", onAgentStatus);
    socket.on("task_progress", onTaskProgress);
    socket.on("connect", onConnect);
    return () => {
      socket.off("message", onMessage);
      socket.off("message_delta", onDelta);
      socket.off("agent_status", onAgentStatus);
      socket.off("task_progress", onTaskProgress);
      socket.off("connect", onConnect);
      stopJoined();
      stopProjectJoined();
      stopAuth();
    };
  }, [queryClient]);
}
