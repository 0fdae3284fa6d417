import { useEffect } from "react";
import { X } from "lucide-react";
import { Link } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { useNotificationToasts } from "../toasts";
import type { AppNotification } from "../types";

const TOAST_MS = 10_000;

function Toast({ toast, onDismiss }: { toast: AppNotification; onDismiss: () => void }) {
  useEffect(() => {
    const timer = window.setTimeout(onDismiss, TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [onDismiss]);
  const critical = toast.level === "critical";
  return (
    <div
      role="alert"
      className={cn(
        "flex w-full items-start gap-2 rounded-md border px-3 py-2 text-sm shadow-lg sm:w-80",
        critical ? "border-red-500/50 bg-red-950 text-red-100" : "border-amber-500/50 bg-amber-950 text-amber-100",
      )}
    >
      <div className="min-w-0 flex-1 [overflow-wrap:anywhere]">
        {toast.link ? (
          <Link to={toast.link} className="font-semibold underline-offset-2 hover:underline" onClick={onDismiss}>
            {toast.title}
          </Link>
        ) : (
          <span className="font-semibold">{toast.title}</span>
        )}
        {toast.message && <p className="text-xs opacity-90">{toast.message}</p>}
      </div>
      <Button
        variant="ghost"
        size="icon"
        className="-my-1 h-7 w-7 shrink-0"
        onClick={onDismiss}
        aria-label="Dismiss notification"
      >
        <X aria-hidden="true" />
      </Button>
    </div>
  );
}

/**
 * Urgent notifications, until dismissed or for ten seconds, in a strip below the header: in the
 * page's flow rather than over it, so a toast never hides a control (Send, Approve, the emergency
 * pause); sticky, so on a phone, where the window scrolls, it stays in sight.
 */
export function NotificationToasts() {
  const toasts = useNotificationToasts((state) => state.toasts);
  const dismiss = useNotificationToasts((state) => state.dismiss);
  if (toasts.length === 0) return null;
  return (
    <div
      aria-live="assertive"
      className="sticky top-0 z-40 flex shrink-0 flex-wrap justify-end gap-2 border-b bg-background px-3 py-2 md:px-6"
    >
      {toasts.map((toast) => (
        <Toast key={toast.id} toast={toast} onDismiss={() => dismiss(toast.id)} />
      ))}
    </div>
  );
}
