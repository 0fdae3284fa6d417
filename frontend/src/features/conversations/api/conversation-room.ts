import { useEffect } from "react";

import { joinConversation } from "@/lib/socket";

/** Subscribe to the socket.io room of a conversation while it is shown (and after, until logout). */
export function useConversationRoom(conversationId: number): void {
  useEffect(() => {
    joinConversation(conversationId);
  }, [conversationId]);
}
