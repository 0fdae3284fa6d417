import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { NotificationList } from "../types";
import { notificationKeys } from "./keys";

export const getNotifications = () => api.get<NotificationList>("/api/notifications?limit=50");

export const notificationsQueryOptions = () =>
  queryOptions({ queryKey: notificationKeys.list(), queryFn: getNotifications });

export const useNotifications = () => useQuery(notificationsQueryOptions());
