import { useEffect, useRef, useState } from "react";
import { Bell, CheckCheck, Settings } from "lucide-react";
import { Link } from "react-router-dom";

import { QueryState } from "@/components/query-state";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { formatTimestamp } from "@/lib/format";
import { useNotifications } from "../api/get-notifications";
import { useMarkAllRead, useMarkRead } from "../api/mark-read";
import type { AppNotification } from "../types";

const LEVEL_DOT: Record<string, string> = {
  critical: "bg-red-400",
  warning: "bg-amber-400",
  info: "bg-sky-400",
};

function Item({ item, onOpen }: { item: AppNotification; onOpen: (item: AppNotification) => void }) {
  const body = (
    <>
      <span
        aria-hidden="true"
        className={cn(
          "mt-1.5 h-2 w-2 shrink-0 rounded-full",
          item.read_at ? "bg-transparent" : (LEVEL_DOT[item.level] ?? "bg-sky-400"),
        )}
      />
      <span className="min-w-0 flex-1">
        <span
          className={cn(
            "block text-sm [overflow-wrap:anywhere]",
            item.read_at ? "text-muted-foreground" : "font-medium",
          )}
        >
          {item.title}
        </span>
        {item.message && <span className="block truncate text-xs text-muted-foreground">{item.message}</span>}
        <span className="block text-[11px] text-muted-foreground">{formatTimestamp(item.created_at)}</span>
      </span>
    </>
  );
  const className =
    "flex w-full gap-2 rounded-md px-2 py-1.5 text-left hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";
  return (
    <li>
      {item.link ? (
        <Link to={item.link} className={className} onClick={() => onOpen(item)}>
          {body}
        </Link>
      ) : (
        <button type="button" className={className} onClick={() => onOpen(item)}>
          {body}
        </button>
      )}
    </li>
  );
}

/** The header's bell: the unread count, and the list (newest first) with mark read / mark all read. */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const markAllRead = useMarkAllRead();
  const panel = useRef<HTMLDivElement>(null);
  const unread = notifications.data?.unread ?? 0;

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    const onClick = (event: MouseEvent) => {
      if (panel.current && !panel.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  const openItem = (item: AppNotification) => {
    if (!item.read_at) markRead.mutate(item.id);
    if (item.link) setOpen(false);
  };

  return (
    <div className="relative" ref={panel}>
      <Button
        variant="ghost"
        size="icon"
        className="relative h-8 w-8"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((value) => !value)}
      >
        <Bell aria-hidden="true" />
        {unread > 0 && (
          <span className="absolute -right-0.5 -top-0.5 min-w-4 rounded-full bg-red-500 px-1 text-center text-[10px] font-semibold leading-4 text-white">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </Button>
      {open && (
        <div
          role="dialog"
          aria-label="Notifications"
          className="absolute right-0 z-50 mt-1 w-80 max-w-[calc(100vw-2rem)] rounded-md border bg-background p-2 shadow-lg"
        >
          <div className="flex items-center justify-between px-2 pb-1">
            <span className="text-sm font-semibold">Notifications</span>
            <Button
              variant="ghost"
              size="sm"
              className="h-7 gap-1 px-2 text-xs"
              disabled={unread === 0 || markAllRead.isPending}
              onClick={() => markAllRead.mutate()}
            >
              <CheckCheck className="h-3.5 w-3.5" aria-hidden="true" />
              Mark all read
            </Button>
          </div>
          <QueryState query={notifications} loading="Loading notifications…" className="px-2 py-4">
            {({ items }) =>
              items.length === 0 ? (
                <p className="px-2 py-4 text-sm text-muted-foreground">
                  Nothing yet: you will hear here what needs you.
                </p>
              ) : (
                <ul aria-label="Notification list" className="max-h-96 overflow-y-auto">
                  {items.map((item) => (
                    <Item key={item.id} item={item} onOpen={openItem} />
                  ))}
                </ul>
              )
            }
          </QueryState>
          <Link
            to="/settings#notifications"
            onClick={() => setOpen(false)}
            className="mt-1 flex items-center gap-1.5 border-t px-2 pt-2 text-xs text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <Settings className="h-3.5 w-3.5" aria-hidden="true" />
            Telegram and which notifications reach you
          </Link>
        </div>
      )}
    </div>
  );
}
