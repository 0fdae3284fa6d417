/** A notification as `GET /api/notifications` lists it and the `notification` socket event carries it. */
export interface AppNotification {
  id: number;
  kind: string;
  level: "info" | "warning" | "critical" | string;
  title: string;
  message: string;
  /** A path of this app the notification is about (an issue, the budget page). */
  link: string | null;
  /** Urgent kinds (approval needed, needs attention, budget, failures…) also show a toast. */
  urgent: boolean;
  payload: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

export interface NotificationList {
  /** Newest first. */
  items: AppNotification[];
  unread: number;
}

/** `GET /api/notifications/telegram`: the bot, and the person's chat (linked, blocked, or none). */
export interface TelegramState {
  bot_configured: boolean;
  token_source: "environment" | "settings" | null;
  link: { state: "linked" | "blocked"; username: string | null; linked_at: string; detail: string | null } | null;
}

export interface LinkCode {
  code: string;
  expires_at: string;
  /** What to send the bot: `/start <code>`. */
  command: string;
}
