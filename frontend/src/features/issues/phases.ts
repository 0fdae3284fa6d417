import type { Issue } from "./types";

type Phase = Issue["phase"];

type Tone = "idle" | "active" | "attention" | "success" | "danger" | "muted";

// Phases as the workflow reports them; anything unknown falls back to "muted".
const TONE_OF_PHASE: Record<string, Tone> = {
  queued: "idle",
  planning: "active",
  coding: "active",
  pull_request: "active",
  testing: "active",
  review: "active",
  merging: "active",
  awaiting_approval: "attention",
  paused: "attention",
  budget_blocked: "attention",
  needs_attention: "attention",
  done: "success",
  rejected: "danger",
  failed: "danger",
  cancelled: "muted",
};

const TONE_CLASSES: Record<Tone, string> = {
  idle: "border-zinc-500/40 bg-zinc-500/15 text-zinc-300",
  active: "border-sky-500/40 bg-sky-500/15 text-sky-300",
  attention: "border-amber-500/40 bg-amber-500/15 text-amber-300",
  success: "border-emerald-500/40 bg-emerald-500/15 text-emerald-300",
  danger: "border-red-500/40 bg-red-500/15 text-red-300",
  muted: "border-zinc-600/40 bg-zinc-600/15 text-zinc-400",
};

/** Tailwind classes colouring a phase badge. */
export function phaseClasses(phase: Phase): string {
  return TONE_CLASSES[TONE_OF_PHASE[phase] ?? "muted"];
}

/** Whether the workflow is still moving on its own (spinner-worthy). */
export function isPhaseActive(phase: Phase): boolean {
  return TONE_OF_PHASE[phase] === "active";
}
