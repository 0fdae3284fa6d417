import type { components } from "@/lib/api-schema";

type Schemas = components["schemas"];

/**
 * A notification as `GET /api/notifications` lists it (`NotificationOut`); the `notification`
 * socket event carries the same fields (`NotificationEvent`). `link` is a path of this app;
 * `urgent` kinds also show a toast.
 */
export type AppNotification = Schemas["NotificationOut"];

/** `GET /api/notifications`: newest first, and the unread count of the bell. */
export type NotificationList = Schemas["NotificationListOut"];
