import { useEffect } from "react";
import { Server } from "lucide-react";

import { ApiError } from "@/lib/api-client";
import { cn } from "@/lib/cn";
import { useConnectionStore } from "@/stores/connection";
import { useHealth } from "../api/get-health";
import type { Health } from "../types";

const PART_NAME = { db: "database", temporal: "Temporal", redis: "Redis" } as const;

function describe(health: Health): string {
  if (health.status === "ok") return health.worker === "none" ? "API ok, no worker" : "API ok";
  const down = (["db", "temporal", "redis"] as const)
    .filter((part) => health[part] === "down")
    .map((part) => PART_NAME[part]);
  return `Degraded: ${down.join(" and ") || "a part"} down`;
}

/**
 * Back-end health (database, Temporal, Redis, a worker), polled every minute and asked again when
 * the socket drops (so it does not say "API ok" through an outage); below 2xl the icon's colour
 * says it (the words are for screen readers and the tooltip), so the header fits one line on a laptop;
 * from 2xl the words shrink to an ellipsis when the header is full (a long "Degraded: …").
 */
export function HealthIndicator() {
  const health = useHealth();
  const { refetch } = health;
  useEffect(
    () =>
      useConnectionStore.subscribe((state, previous) => {
        if (previous.status === "connected" && state.status !== "connected") void refetch();
      }),
    [refetch],
  );
  const rateLimit = health.error instanceof ApiError && health.error.status === 429 ? health.error : null;
  const label = health.isPending
    ? "Checking API…"
    : rateLimit
      ? "Rate limited"
      : health.isError
        ? health.error instanceof ApiError && health.error.status === 0
          ? "API unreachable"
          : "API error"
        : describe(health.data);
  const tone = health.isPending
    ? "text-muted-foreground"
    : health.isError
      ? "text-red-300"
      : health.data.status === "ok" && health.data.worker !== "none"
        ? "text-emerald-300"
        : "text-amber-300";

  return (
    <span
      className={cn("inline-flex min-w-0 items-center gap-1.5 text-xs", tone)}
      title={rateLimit ? rateLimit.message : `Server health: ${label}`}
    >
      <Server className="h-3.5 w-3.5 shrink-0" aria-hidden="true" />
      <span className="sr-only 2xl:not-sr-only 2xl:truncate">{label}</span>
    </span>
  );
}
