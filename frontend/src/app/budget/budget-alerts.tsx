import { AlertTriangle, OctagonAlert, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { formatDay, formatUsd } from "@/lib/format";
import { useProjects } from "@/features/projects/api/get-projects";
import { wholePercent } from "@/features/budget/whole-percent";
import { useBudgetAlertStore, type BudgetAlert } from "@/stores/budget-alerts";

function levelName(alert: BudgetAlert, projectName: (id: number) => string): string {
  const project = alert.project_id != null ? projectName(alert.project_id) : null;
  if (alert.scope === "agent") return `agent ${alert.agent ?? "?"}${project ? ` in ${project}` : ""}`;
  if (alert.scope === "project") return project ?? "a project";
  return "the global budget";
}

/** Banners for `budget_alert` socket events, under the header, until dismissed. */
export function BudgetAlerts() {
  const alerts = useBudgetAlertStore((state) => state.alerts);
  const dismiss = useBudgetAlertStore((state) => state.dismiss);
  const projects = useProjects();
  if (alerts.length === 0) return null;

  const projectName = (id: number) => projects.data?.find((p) => p.id === id)?.name ?? `project ${id}`;

  return (
    <div className="grid gap-2 border-b px-4 py-2 md:px-6">
      {alerts.map((alert) => {
        const critical = alert.level === "critical";
        const percent = alert.limit > 0 ? wholePercent((alert.current / alert.limit) * 100) : null;
        const Icon = critical ? OctagonAlert : AlertTriangle;
        return (
          <div
            key={alert.id}
            role="alert"
            className={cn(
              "flex items-start gap-2 rounded-md border px-3 py-2 text-sm",
              critical
                ? "border-red-500/50 bg-red-500/15 text-red-100"
                : "border-amber-500/50 bg-amber-500/10 text-amber-100",
            )}
          >
            <Icon
              className={cn("mt-0.5 h-4 w-4 shrink-0", critical ? "text-red-300" : "text-amber-300")}
              aria-hidden="true"
            />
            <p className="min-w-0 flex-1">
              <span className="font-semibold">Budget {alert.level}:</span> {levelName(alert, projectName)} has spent{" "}
              <span className="font-mono">{formatUsd(alert.current, 4)}</span> of its{" "}
              <span className="font-mono">{formatUsd(alert.limit, 2)}</span> daily limit
              {percent !== null && ` (${percent}%)`}
              {alert.day && ` on ${formatDay(alert.day)}`}.{" "}
              {critical
                ? alert.reason === "call_refused"
                  ? "A call was refused: runs at this level stop until the limit is raised or the day ends."
                  : "Runs at this level stop until the limit is raised or the day ends."
                : "Runs go on; at 100% they stop."}
            </p>
            <Button
              variant="ghost"
              size="icon"
              className="-my-1 h-7 w-7 shrink-0"
              onClick={() => dismiss(alert.id)}
              aria-label="Dismiss budget alert"
            >
              <X aria-hidden="true" />
            </Button>
          </div>
        );
      })}
    </div>
  );
}
