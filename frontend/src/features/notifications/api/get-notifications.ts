import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { notificationKeys } from "./keys";

export const getNotifications = () => unwrap(api.GET("/api/notifications", { params: { query: { limit: 50 } } }));

export const notificationsQueryOptions = () =>
  queryOptions({ queryKey: notificationKeys.list(), queryFn: getNotifications });

export const useNotifications = () => useQuery(notificationsQueryOptions());
