import type { components } from "@/lib/api-schema";

type Phase = components["schemas"]["Phase"];

/** Phases after which an issue's run is over (the server answers 409 to any steering). */
const FINAL_PHASES = new Set<string>(["done", "rejected", "failed", "cancelled"] satisfies Phase[]);

export function isFinalPhase(phase: string): boolean {
  return FINAL_PHASES.has(phase);
}
