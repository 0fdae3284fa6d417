import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { AppNotification, NotificationList } from "../types";
import { notificationKeys } from "./keys";

export const markRead = (id: number) =>
  unwrap(api.POST("/api/notifications/{notification_id}/read", { params: { path: { notification_id: id } } }));
export const markAllRead = () => unwrap(api.POST("/api/notifications/read-all"));

/** Mark one read: the cached list is updated from the answer (no refetch). */
export const useMarkRead = () => {
  const queryClient = useQueryClient();
  return useMutation<AppNotification, ApiError, number>({
    mutationFn: markRead,
    onSuccess: (read) => {
      queryClient.setQueryData<NotificationList>(notificationKeys.list(), (list) => {
        if (!list) return list;
        const wasUnread = list.items.some((item) => item.id === read.id && item.read_at === null);
        return {
          items: list.items.map((item) => (item.id === read.id ? read : item)),
          unread: Math.max(0, list.unread - (wasUnread ? 1 : 0)),
        };
      });
    },
  });
};

export const useMarkAllRead = () => {
  const queryClient = useQueryClient();
  return useMutation<{ marked: number }, ApiError, void>({
    mutationFn: markAllRead,
    onSuccess: () => {
      const now = new Date().toISOString();
      queryClient.setQueryData<NotificationList>(notificationKeys.list(), (list) =>
        list ? { items: list.items.map((item) => ({ ...item, read_at: item.read_at ?? now })), unread: 0 } : list,
      );
    },
  });
};
