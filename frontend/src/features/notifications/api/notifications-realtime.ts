import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { socket } from "@/lib/socket";
import { useAuthStore } from "@/stores/auth";
import type { AppNotification, NotificationList } from "../types";
import { useNotificationToasts } from "../toasts";
import { notificationKeys } from "./keys";

/**
 * For the life of the app: a `notification` event (the user's own room) goes to the top of the
 * cached list and bumps the unread count; an urgent one also shows a toast. After a reconnect
 * the list is fetched again, since events sent while the socket was down reached nobody.
 */
export function useNotificationsRealtimeSync(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    const onNotification = (event: AppNotification) => {
      queryClient.setQueryData<NotificationList>(notificationKeys.list(), (list) => {
        if (!list) return list;
        if (list.items.some((item) => item.id === event.id)) return list;
        return { items: [event, ...list.items], unread: list.unread + (event.read_at ? 0 : 1) };
      });
      if (event.urgent) useNotificationToasts.getState().show(event);
    };
    let connectedBefore = socket.connected;
    const onConnect = () => {
      if (connectedBefore) void queryClient.invalidateQueries({ queryKey: notificationKeys.list() });
      connectedBefore = true;
    };
    socket.on("notification", onNotification);
    socket.on("connect", onConnect);
    const unsubscribe = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") {
        useNotificationToasts.getState().reset();
      }
    });
    return () => {
      socket.off("notification", onNotification);
      socket.off("connect", onConnect);
      unsubscribe();
    };
  }, [queryClient]);
}
