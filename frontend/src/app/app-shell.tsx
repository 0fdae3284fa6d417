import { useId, useRef, useState } from "react";
import { Outlet, useLocation } from "react-router-dom";

import { ConnectionStatus } from "@/components/layout/connection-status";
import { UserMenu } from "@/features/auth/components/user-menu";
import { BudgetAlerts } from "./budget/budget-alerts";
import { HealthIndicator } from "@/features/health/components/health-indicator";
import { HealthProblems } from "@/features/health/components/health-problems";
import { NotificationBell } from "@/features/notifications/components/notification-bell";
import { NotificationToasts } from "@/features/notifications/components/notification-toasts";
import { ProjectNav } from "@/features/projects/components/project-nav";
import { EmergencyPause } from "@/features/system/components/emergency-pause";
import { PageLinks } from "./shell/page-links";
import { MenuButton, PhoneMenu } from "./shell/phone-menu";
import { useTopOnNavigation } from "./shell/top-on-navigation";

/**
 * Discord-like frame: a dark sidebar with the projects, the page in the main pane. Below md the
 * header is one row (menu, logo, the status icons) and the sidebar and the pages' links fold
 * into its menu, so that a page starts near the top of a phone's screen.
 */
export function AppShell() {
  // The phone menu is open on the page it was opened on: any navigation closes it (a link in it,
  // a notification's toast, the browser's back button).
  const location = useLocation();
  const [menuOpenedAt, setMenuOpenedAt] = useState<string | null>(null);
  const menuOpen = menuOpenedAt === location.key;
  const setMenuOpen = (open: boolean) => setMenuOpenedAt(open ? location.key : null);
  const menuId = useId();
  const menuButton = useRef<HTMLButtonElement>(null);
  const main = useRef<HTMLElement>(null);
  useTopOnNavigation(main);

  return (
    <div className="flex min-h-screen flex-col md:h-screen md:flex-row">
      <aside className="hidden border-sidebar-border bg-sidebar md:flex md:w-64 md:shrink-0 md:flex-col md:border-r">
        <div className="flex h-14 shrink-0 items-center gap-2 border-b border-sidebar-border px-4">
          <img src="/favicon.svg" alt="" className="h-7 w-7" />
          <div className="leading-tight">
            <div className="text-sm font-semibold">Mission Control</div>
            <div className="text-[11px] text-muted-foreground">issues → merged pull requests</div>
          </div>
        </div>
        <nav aria-label="Projects" className="overflow-x-auto p-2 md:flex-1 md:overflow-y-auto">
          <ProjectNav />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col md:h-screen">
        {/* One line at every width: each part folds into its icon at the breakpoint where its words no
            longer fit (the words stay in its tooltip and for screen readers); what varies in length
            (the email, a degraded health's parts) is the one thing that shrinks, to an ellipsis. */}
        <header className="flex min-h-12 shrink-0 items-center justify-end gap-x-2 border-b px-3 md:px-4 lg:gap-x-3 lg:px-6">
          <div className="mr-auto flex items-center gap-1 md:hidden">
            <MenuButton ref={menuButton} open={menuOpen} menuId={menuId} onToggle={() => setMenuOpen(!menuOpen)} />
            <img src="/favicon.svg" alt="Mission Control" className="h-6 w-6" />
          </div>
          <nav aria-label="Main" className="mr-auto hidden items-center gap-1 md:flex">
            <PageLinks compact />
          </nav>
          <EmergencyPause />
          <NotificationBell />
          <HealthIndicator />
          <ConnectionStatus />
          <div className="hidden min-w-0 md:block">
            <UserMenu compact />
          </div>
        </header>
        {menuOpen && (
          <PhoneMenu
            id={menuId}
            onClose={() => setMenuOpen(false)}
            onEscape={() => {
              setMenuOpen(false);
              menuButton.current?.focus();
            }}
          />
        )}
        <NotificationToasts />
        <HealthProblems />
        <BudgetAlerts />
        {/* Positioned, as every scrolling pane: an absolute child (an sr-only label) otherwise takes the
            window as its box, escapes the pane's clipping and makes the whole window scroll. */}
        <main ref={main} id="main" className="relative flex-1 p-4 md:overflow-y-auto md:p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
