import { Check, CircleDot, OctagonPause } from "lucide-react";

import { cn } from "@/lib/cn";
import { issueProgressKey, useIssueProgressStore } from "@/stores/issue-progress";
import {
  PIPELINE_STEPS,
  SIDE_STATES,
  isSideState,
  phaseClasses,
  phaseWords,
  stepOfEvidence,
  stepOfPercent,
  type PipelineStep,
  stepWords,
} from "../phases";
import { AWAITING_APPROVAL, gateOf, type Issue } from "../types";

type StepState = "complete" | "current" | "stopped" | "upcoming";

interface Position {
  /** The step the run is at (or stopped at), null before planning. */
  step: PipelineStep | null;
  /** The run is at `step` in a side state (paused, needs_attention, …) rather than working on it. */
  stopped: boolean;
  /** A note for the current step (e.g. the spec awaiting approval). */
  note: string | null;
}

function positionOf(issue: Issue, percent: number | undefined): Position {
  const { phase } = issue;
  if (phase === AWAITING_APPROVAL && gateOf(issue) === "spec") {
    // The spec gate sits between planning and coding, not at the merge approval.
    return { step: "planning", stopped: false, note: "spec awaits approval" };
  }
  if ((PIPELINE_STEPS as readonly string[]).includes(phase)) {
    return { step: phase as PipelineStep, stopped: false, note: null };
  }
  if (isSideState(phase)) {
    // task_progress keeps the last step's percent in side states; final ones report 100.
    const fromEvent = percent !== undefined && percent < 100 ? stepOfPercent(percent) : null;
    return { step: fromEvent ?? stepOfEvidence(issue), stopped: true, note: phaseWords(phase) };
  }
  return { step: null, stopped: false, note: null }; // queued, or a phase this page does not know
}

/**
 * The issue's run as the company pipeline: planning → coding → pull_request → testing →
 * review → awaiting_approval → merging → done, with the side states below (the current one
 * highlighted). Below md only the side state the run is in shows: on a phone the other five
 * would push the decision below the screen.
 */
export function PipelineStepper({ issue }: { issue: Issue }) {
  const percent = useIssueProgressStore(
    (state) => state.percentByIssue[issueProgressKey(issue.project_id, issue.number)],
  );
  const position = positionOf(issue, percent);
  const currentIndex = position.step ? PIPELINE_STEPS.indexOf(position.step) : -1;
  const allDone = issue.phase === "done";

  const stateOf = (index: number): StepState => {
    if (allDone || index < currentIndex) return "complete";
    if (index === currentIndex) return position.stopped ? "stopped" : "current";
    return "upcoming";
  };

  return (
    <div className="grid gap-3">
      <ol aria-label="Pipeline" className="flex flex-wrap items-center gap-x-1 gap-y-2 text-xs">
        {PIPELINE_STEPS.map((step, index) => {
          const state = stateOf(index);
          const isHere = state === "current" || state === "stopped";
          return (
            <li key={step} className="flex items-center gap-1" aria-current={isHere ? "step" : undefined}>
              {index > 0 && (
                <span
                  aria-hidden="true"
                  className={cn("h-px w-3", state === "complete" || isHere ? "bg-sky-400/60" : "bg-border")}
                />
              )}
              <span
                className={cn(
                  "inline-flex items-center gap-1 rounded-full border px-2 py-0.5",
                  state === "complete" && "border-emerald-500/40 bg-emerald-500/10 text-emerald-300",
                  state === "current" && "border-sky-400 bg-sky-500/20 text-sky-200 ring-1 ring-sky-400/60",
                  state === "stopped" && "border-amber-400 bg-amber-500/20 text-amber-200 ring-1 ring-amber-400/60",
                  state === "upcoming" && "border-border text-muted-foreground",
                )}
              >
                {state === "complete" && <Check className="h-3 w-3" aria-hidden="true" />}
                {state === "current" && <CircleDot className="h-3 w-3" aria-hidden="true" />}
                {state === "stopped" && <OctagonPause className="h-3 w-3" aria-hidden="true" />}
                {stepWords(step)}
                {isHere && position.note && <span className="font-sans">· {position.note}</span>}
                <span className="sr-only">
                  {state === "complete" ? " (done)" : state === "upcoming" ? " (to come)" : " (current)"}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      <div
        className={cn("flex-wrap items-center gap-1.5 text-xs", isSideState(issue.phase) ? "flex" : "hidden md:flex")}
      >
        <span className="text-muted-foreground">Side states:</span>
        <ul aria-label="Side states" className="flex flex-wrap gap-1.5">
          {SIDE_STATES.map((state) => {
            const active = issue.phase === state;
            return (
              <li
                key={state}
                aria-current={active ? "true" : undefined}
                className={cn(
                  "rounded-full border px-2 py-0.5",
                  !active && "hidden md:block",
                  active
                    ? cn(phaseClasses(state), "font-semibold ring-1 ring-current")
                    : "border-border/60 text-muted-foreground/60",
                )}
              >
                {stepWords(state)}
                {active && <span className="sr-only"> (current)</span>}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
