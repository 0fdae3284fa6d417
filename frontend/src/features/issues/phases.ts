import type { components } from "@/lib/api-schema";
import { isFinalPhase } from "@/lib/run-phases";
import type { Issue } from "./types";

type Phase = Issue["phase"];
/** Every phase the server knows (the enum of `task_progress.status`): the tables must name each. */
type WirePhase = components["schemas"]["Phase"];

type Tone = "idle" | "active" | "attention" | "success" | "danger" | "muted";

// Phases as the workflow reports them; anything unknown falls back to "muted".
const TONE_OF_PHASE: Record<WirePhase, Tone> & Partial<Record<string, Tone>> = {
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

/** A phase as the person reads it (the wire value stays in `data-phase`). */
const PHASE_WORDS: Record<WirePhase, string> & Partial<Record<string, string>> = {
  queued: "Queued",
  planning: "Planning",
  coding: "Coding",
  pull_request: "Opening the pull request",
  testing: "Testing",
  review: "In review",
  awaiting_approval: "Awaiting your approval",
  merging: "Merging",
  done: "Merged",
  paused: "Paused",
  budget_blocked: "Stopped by the budget",
  needs_attention: "Needs your attention",
  rejected: "Rejected",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Short names of the pipeline's steps and side states, for the stepper. */
const STEP_WORDS: Record<string, string> = {
  planning: "Plan",
  coding: "Code",
  pull_request: "Pull request",
  testing: "Test",
  review: "Review",
  awaiting_approval: "Your approval",
  merging: "Merge",
  done: "Merged",
  paused: "Paused",
  budget_blocked: "Budget stop",
  needs_attention: "Needs you",
  rejected: "Rejected",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** The phase in plain words; an unknown phase (a newer server) reads as itself, underscores spaced. */
export function phaseWords(phase: Phase): string {
  return PHASE_WORDS[phase] ?? phase.replaceAll("_", " ");
}

export function stepWords(step: string): string {
  return STEP_WORDS[step] ?? step.replaceAll("_", " ");
}

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

/** The pipeline's main line, in order. */
export const PIPELINE_STEPS = [
  "planning",
  "coding",
  "pull_request",
  "testing",
  "review",
  "awaiting_approval",
  "merging",
  "done",
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** States off the main line: the run stopped (for now or for good) at some step. */
export const SIDE_STATES = ["paused", "budget_blocked", "needs_attention", "rejected", "failed", "cancelled"] as const;

export { isFinalPhase };

/** Pause / resume / cancel make sense: the run has started and not ended. */
export function isRunActive(phase: Phase): boolean {
  return phase !== "queued" && !isFinalPhase(phase);
}

export function isSideState(phase: Phase): boolean {
  return (SIDE_STATES as readonly string[]).includes(phase);
}

/**
 * The `percent` that `task_progress` reports for each main step (mcc/phases.py). Side states
 * keep the last value, which tells the step the run stopped at.
 */
const PERCENT_OF_STEP: Record<PipelineStep, number> = {
  planning: 10,
  coding: 30,
  pull_request: 50,
  testing: 60,
  review: 75,
  awaiting_approval: 90,
  merging: 95,
  done: 100,
};

export function stepOfPercent(percent: number): PipelineStep | null {
  let step: PipelineStep | null = null;
  for (const candidate of PIPELINE_STEPS) {
    if (PERCENT_OF_STEP[candidate] <= percent) step = candidate;
  }
  return step;
}

/**
 * A guess at the step a side state stopped at, from what the run has produced so far: used
 * when this page saw no `task_progress` for the issue (the REST issue has no step or percent).
 */
export function stepOfEvidence(issue: Issue): PipelineStep | null {
  if (issue.pull_request?.merge_sha) return "merging";
  if (issue.review) return "review";
  if (issue.test_report) return "testing";
  if (issue.pull_request) return "pull_request";
  if (issue.spec) return "coding"; // the spec is the end of planning
  return issue.phase === "queued" ? null : "planning";
}
