import { useState } from "react";
import { Loader2, LogOut, UserRound } from "lucide-react";
import { Link } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { logout } from "@/lib/session";
import { useAuthStore } from "@/stores/auth";

/**
 * The account corner: the email (to the security page) and "Log out". `compact` (the header)
 * shows the email only from 2xl (in the tooltip below), so the header fits one line on a laptop;
 * there the email is what shrinks, to an ellipsis, when the header is full. The words "Log out"
 * show from a 1366 px laptop up: from there the header has room for them with the emergency pause
 * on too, and at xl (1280 px) it has not.
 */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const email = useAuthStore((state) => state.user?.email);
  const [leaving, setLeaving] = useState(false);

  const onLogout = () => {
    setLeaving(true);
    // The auth store empties on the way out, and the route guard shows the login page.
    void logout().finally(() => setLeaving(false));
  };

  return (
    <div className="flex min-w-0 items-center gap-1">
      <Link
        to="/settings#account"
        className="flex min-w-0 items-center gap-1.5 rounded-md px-2 py-1 text-xs text-muted-foreground hover:bg-accent hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        title={`${email ?? "Account"}: security settings`}
      >
        <UserRound className="h-3.5 w-3.5 shrink-0" aria-hidden="true" />
        <span
          className={cn("max-w-[10rem] truncate sm:max-w-[16rem]", compact && "sr-only 2xl:not-sr-only 2xl:truncate")}
        >
          {email}
        </span>
        <span className="sr-only">: security settings</span>
      </Link>
      <Button
        variant="ghost"
        size="sm"
        className="h-8 px-2 text-xs"
        onClick={onLogout}
        disabled={leaving}
        aria-busy={leaving}
        title={compact ? "Log out" : undefined}
      >
        {leaving ? <Loader2 className="animate-spin" aria-hidden="true" /> : <LogOut aria-hidden="true" />}
        <span className={cn(compact && "sr-only min-[1366px]:not-sr-only min-[1366px]:whitespace-nowrap")}>
          Log out
        </span>
      </Button>
    </div>
  );
}
