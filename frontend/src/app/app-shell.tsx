import { Bot, FolderGit2, LayoutDashboard, MessagesSquare, Settings, Wallet, type LucideIcon } from "lucide-react";
import { NavLink, Outlet } from "react-router-dom";

import { ConnectionStatus } from "@/components/layout/connection-status";
import { cn } from "@/lib/cn";
import { UserMenu } from "@/features/auth/components/user-menu";
import { BudgetAlerts } from "./budget/budget-alerts";
import { HealthIndicator } from "@/features/health/components/health-indicator";
import { HealthProblems } from "@/features/health/components/health-problems";
import { NotificationBell } from "@/features/notifications/components/notification-bell";
import { NotificationToasts } from "@/features/notifications/components/notification-toasts";
import { ProjectNav } from "@/features/projects/components/project-nav";
import { EmergencyPause } from "@/features/system/components/emergency-pause";

const PAGES: { to: string; label: string; icon: LucideIcon; end?: boolean }[] = [
  { to: "/", label: "Dashboard", icon: LayoutDashboard, end: true },
  { to: "/orchestrator", label: "Orchestrator", icon: MessagesSquare },
  { to: "/projects", label: "Projects", icon: FolderGit2, end: true },
  { to: "/agents", label: "Agents", icon: Bot },
  { to: "/budget", label: "Budget", icon: Wallet },
  { to: "/settings", label: "Settings", icon: Settings },
];

/** Discord-like frame: a dark sidebar with the projects, the page in the main pane. */
export function AppShell() {
  return (
    <div className="flex min-h-screen flex-col md:h-screen md:flex-row">
      <aside className="flex flex-col border-b border-sidebar-border bg-sidebar md:w-64 md:shrink-0 md:border-b-0 md:border-r">
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
        <header className="flex min-h-12 shrink-0 flex-wrap items-center justify-end gap-x-3 gap-y-1 border-b px-4 py-1.5 md:px-6">
          <nav aria-label="Main" className="mr-auto flex flex-wrap items-center gap-1">
            {PAGES.map(({ to, label, icon: Icon, end }) => (
              <NavLink
                key={to}
                to={to}
                end={end}
                className={({ isActive }) =>
                  cn(
                    "inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs hover:bg-accent hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                    isActive ? "bg-accent text-foreground" : "text-muted-foreground",
                  )
                }
              >
                <Icon className="h-3.5 w-3.5" aria-hidden="true" />
                {label}
              </NavLink>
            ))}
          </nav>
          <EmergencyPause />
          <NotificationBell />
          <HealthIndicator />
          <ConnectionStatus />
          <UserMenu />
        </header>
        <HealthProblems />
        <BudgetAlerts />
        {/* Positioned, as every scrolling pane: an absolute child (an sr-only label) otherwise takes the
            window as its box, escapes the pane's clipping and makes the whole window scroll. */}
        <main id="main" className="relative flex-1 p-4 md:overflow-y-auto md:p-6">
          <Outlet />
        </main>
        <NotificationToasts />
      </div>
    </div>
  );
}
