import { useState } from "react";
import { AlertTriangle, Pause, Play, RotateCcw, Square } from "lucide-react";

import { ConfirmButton } from "@/components/confirm-button";
import { SteerButton, steering } from "@/components/steer-button";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { useSteerIssue } from "../api/steer-issue";
import { isRunActive } from "../phases";
import { NEEDS_ATTENTION, PAUSED, type Issue, type IssueSteerAction } from "../types";

const SENT: Record<IssueSteerAction, string> = {
  retry: "Retry sent: the run tries the failed step again.",
  pause: "Pause sent: the agents stop after their current step.",
  resume: "Resume sent.",
  cancel: "Cancel sent: the run ends after its current step.",
};

/**
 * `emergencyPause`: on, it holds every run whatever its own state, so a resumed issue waits for it.
 *
 * Steer the issue's whole run: Retry / Cancel issue when it needs attention (with the error),
 * Pause or Resume and Cancel issue while it runs. The server answers 409 when an action does
 * not apply (any more); its message is shown.
 */
export function IssueRunControls({ issue, emergencyPause = false }: { issue: Issue; emergencyPause?: boolean }) {
  const steer = useSteerIssue(issue.project_id, issue.number);
  const [sent, setSent] = useState<IssueSteerAction | null>(null);
  const needsAttention = issue.phase === NEEDS_ATTENTION;
  const active = isRunActive(issue.phase);

  if (!active) {
    return (
      <div className="grid gap-3">
        <p className="text-sm text-muted-foreground">
          {issue.phase === "queued" ? "The run has not started yet." : "The run has ended."}
        </p>
        {/* E.g. a 409 after the run ended meanwhile: say why the click did nothing. */}
        <FormError message={errorMessage(steer.error)} />
      </div>
    );
  }

  const run = (action: IssueSteerAction) => {
    setSent(null);
    steer.mutate(action, { onSuccess: () => setSent(action) });
  };
  const button = steering(steer, run);

  return (
    <div className="grid gap-3">
      {needsAttention && (
        <div
          role="alert"
          className="flex gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-100"
        >
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0 text-amber-300" aria-hidden="true" />
          <div className="grid min-w-0 gap-1">
            <p className="font-medium">The run needs your attention.</p>
            <p className="whitespace-pre-wrap break-words font-mono text-xs">
              {issue.error?.trim() || "It stopped on an error without a message."}
            </p>
          </div>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2">
        {needsAttention ? (
          <SteerButton label="Retry" icon={RotateCcw} variant="default" {...button("retry")} />
        ) : issue.phase === PAUSED ? (
          <SteerButton label="Resume" icon={Play} {...button("resume")} />
        ) : (
          <SteerButton label="Pause" icon={Pause} {...button("pause")} />
        )}
        <ConfirmButton
          label="Cancel issue"
          icon={Square}
          variant="destructive"
          {...button("cancel")}
          question={`Cancel issue #${issue.number}? The run stops for good; its branch keeps the work.`}
          confirmLabel="Yes, cancel the issue"
          keepLabel="Keep it running"
        />
        <p role="status" className="text-xs text-muted-foreground">
          {sent && !steer.isPending
            ? sent === "resume" && emergencyPause
              ? "Resume sent; the emergency pause is still on: no agent works until you resume all (top bar)."
              : SENT[sent]
            : ""}
        </p>
      </div>
      <FormError message={errorMessage(steer.error)} />
    </div>
  );
}
