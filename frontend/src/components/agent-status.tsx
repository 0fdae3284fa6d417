import { cn } from "@/lib/cn";
import type { components } from "@/lib/api-schema";

export type AgentStatus = components["schemas"]["AgentOut"]["status"];
export type AgentRole = components["schemas"]["AgentOut"]["role"];
/** What a person is shown: `paused` is a working agent whose run is held (it keeps its task). */
export type ShownStatus = AgentStatus | "paused";

const DOT: Record<ShownStatus, string> = {
  idle: "bg-zinc-500",
  working: "bg-emerald-400",
  paused: "bg-amber-400",
  error: "bg-red-500",
};

export const STATUS_LABEL: Record<ShownStatus, string> = {
  idle: "idle",
  working: "working",
  paused: "paused",
  error: "error",
};

/** The status dot of an agent (decorative: say the status in text next to it). */
export function StatusDot({
  status,
  ring = false,
  className,
}: {
  status: ShownStatus;
  ring?: boolean;
  className?: string;
}) {
  return (
    <span
      aria-hidden="true"
      data-status={status}
      className={cn(
        "block h-2.5 w-2.5 rounded-full",
        DOT[status],
        status === "working" && "animate-pulse",
        ring && "ring-[3px] ring-sidebar",
        className,
      )}
    />
  );
}

/** Avatar colour per role, so the architect, coders, tester and reviewer are told apart at a glance. */
export const ROLE_COLOR: Record<AgentRole, string> = {
  orchestrator: "bg-rose-600",
  architect: "bg-violet-600",
  coder: "bg-sky-600",
  tester: "bg-amber-600",
  reviewer: "bg-emerald-600",
};
