import { Bot, FolderGit2, LayoutDashboard, MessagesSquare, Settings, Wallet, type LucideIcon } from "lucide-react";
import { NavLink } from "react-router-dom";

import { cn } from "@/lib/cn";

const PAGES: { to: string; label: string; icon: LucideIcon; end?: boolean }[] = [
  { to: "/", label: "Dashboard", icon: LayoutDashboard, end: true },
  { to: "/orchestrator", label: "Orchestrator", icon: MessagesSquare },
  { to: "/projects", label: "Projects", icon: FolderGit2, end: true },
  { to: "/agents", label: "Agents", icon: Bot },
  { to: "/budget", label: "Budget", icon: Wallet },
  { to: "/settings", label: "Settings", icon: Settings },
];

/**
 * The app's pages, as links with their icons (in the header from md up, in the phone menu below).
 * `compact` (the header) shows the icons alone below xl, the words in the tooltip and for screen
 * readers, so that the header stays one line beside the sidebar on a tablet or a small laptop.
 */
export function PageLinks({ compact = false }: { compact?: boolean }) {
  return PAGES.map(({ to, label, icon: Icon, end }) => (
    <NavLink
      key={to}
      to={to}
      end={end}
      title={compact ? label : undefined}
      className={({ isActive }) =>
        cn(
          "inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs hover:bg-accent hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
          isActive ? "bg-accent text-foreground" : "text-muted-foreground",
        )
      }
    >
      <Icon className="h-3.5 w-3.5 shrink-0" aria-hidden="true" />
      <span className={cn(compact && "sr-only xl:not-sr-only xl:whitespace-nowrap")}>{label}</span>
    </NavLink>
  ));
}
