import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";

import { onResync, onServerEvent, type NotificationsReadEvent } from "@/lib/socket";
import { useAuthStore } from "@/stores/auth";
import type { AppNotification, NotificationList } from "../types";
import { useNotificationToasts } from "../toasts";
import { notificationKeys } from "./keys";

/**
 * For the life of the app: a `notification` event (the user's own room) goes to the top of the
 * cached list and bumps the unread count; an urgent one also shows a toast. `notifications_read`
 * (marked read in another tab) marks them read here and sets the count. Those sent while the
 * socket was down are replayed on reconnect; the list is fetched again only on a resync.
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
    const onRead = ({ ids, read_at: readAt, unread }: NotificationsReadEvent) => {
      queryClient.setQueryData<NotificationList>(notificationKeys.list(), (list) => {
        if (!list) return list;
        const items = list.items.map((item) =>
          item.read_at === null && (ids === null || ids.includes(item.id)) ? { ...item, read_at: readAt } : item,
        );
        return { items, unread };
      });
    };
    const stopResync = onResync((room) => {
      if (room.kind === "user") void queryClient.invalidateQueries({ queryKey: notificationKeys.list() });
    });
    const stopNotification = onServerEvent("notification", onNotification);
    const stopRead = onServerEvent("notifications_read", onRead);
    const unsubscribe = useAuthStore.subscribe((state, previous) => {
      if (state.status !== "authenticated" && previous.status === "authenticated") {
        useNotificationToasts.getState().reset();
      }
    });
    return () => {
      stopNotification();
      stopRead();
      stopResync();
      unsubscribe();
    };
  }, [queryClient]);
}
