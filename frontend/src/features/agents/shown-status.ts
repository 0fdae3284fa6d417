import type { ShownStatus } from "@/components/agent-status";
import type { Agent } from "./types";

/**
 * What to show of an agent's status. A working agent whose run is held is paused, not
 * working: the person paused its run (`paused`, from the server), or the emergency pause is on
 * (the system state, which holds every run; the caller reads it, as features do not import
 * each other). Both change from their events, so this follows without a refetch.
 */
export function shownStatus(agent: Pick<Agent, "status" | "paused">, emergencyPause: boolean): ShownStatus {
  return agent.status === "working" && (agent.paused || emergencyPause) ? "paused" : agent.status;
}
