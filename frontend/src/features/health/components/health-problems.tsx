import { TriangleAlert } from "lucide-react";
import { Link } from "react-router-dom";

import { useHealth } from "../api/get-health";
import type { Health } from "../types";

/** The banner's first line: the problem that decides what a run would do, named first. */
function headline(health: Health | undefined): string {
  if (health?.llm === "not_configured") return "No LLM is configured: a run would stop at its first step.";
  if (health?.sandbox === "missing" || health?.sandbox === "broken")
    return "Agents cannot work: a run would stop at its first step.";
  if (health?.worker === "none") return "No worker is running: a run would wait in the queue.";
  // An API process with workers elsewhere and no Redis between them: runs move, unseen.
  if (health?.readiness_of === "workers" && health.redis === "not_used")
    return "This dashboard does not see runs move live: the workers' updates cannot reach it.";
  return "Agents cannot work as they should.";
}

/**
 * What stops, holds or hides every run (no LLM key or sandbox, here or on a worker, no worker,
 * no Redis between API and workers), said on every page before the person files an issue, from
 * the health answer's `problems`.
 */
export function HealthProblems() {
  const health = useHealth();
  const problems = health.data?.problems ?? [];
  if (problems.length === 0) return null;
  return (
    <section
      aria-label="Agents cannot work"
      className="flex items-start gap-2 border-b border-amber-500/30 bg-amber-500/10 px-4 py-2 text-sm text-amber-100 md:px-6"
    >
      <TriangleAlert className="mt-0.5 h-4 w-4 shrink-0 text-amber-300" aria-hidden="true" />
      <div className="grid min-w-0 gap-0.5">
        <p className="font-medium">{headline(health.data)}</p>
        <ul className="grid gap-0.5 break-words text-amber-100/90">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
        <p className="text-amber-100/90">
          See{" "}
          <Link to="/settings" className="underline hover:text-foreground">
            Settings
          </Link>{" "}
          for what is configured.
        </p>
      </div>
    </section>
  );
}
