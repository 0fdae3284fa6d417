import { useState } from "react";
import { Pause, Play, Square } from "lucide-react";

import { ConfirmButton } from "@/components/confirm-button";
import { SteerButton, steering } from "@/components/steer-button";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { useSteerRun } from "../api/steer-run";
import type { Conversation, SteerAction } from "../types";

const DONE: Record<SteerAction, string> = {
  pause: "Pause sent: the agent stops after its current step.",
  resume: "Resume sent.",
  cancel: "Cancel sent: the run ends after its current step.",
};

/**
 * Pause, resume or cancel the conversation's run: Pause while it runs, Resume while it is
 * paused (here, on its issue, or by the orchestrator: the conversation says which).
 */
export function RunControls({ conversation }: { conversation: Conversation }) {
  const steer = useSteerRun(conversation);
  const [last, setLast] = useState<SteerAction | null>(null);
  const cancelled = last === "cancel";

  const run = (action: SteerAction) => steer.mutate(action, { onSuccess: () => setLast(action) });
  const button = steering(steer, run);

  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <SteerButton
          label="Pause"
          icon={Pause}
          {...button("pause")}
          disabled={steer.isPending || conversation.paused || cancelled}
        />
        <SteerButton
          label="Resume"
          icon={Play}
          {...button("resume")}
          disabled={steer.isPending || !conversation.paused || cancelled}
        />
        <ConfirmButton
          label="Cancel run"
          icon={Square}
          variant="destructive"
          {...button("cancel")}
          disabled={steer.isPending || cancelled}
          question="Cancel this run? The agent stops for good; its branch keeps the work."
          confirmLabel="Yes, cancel the run"
          keepLabel="Keep it running"
        />
        <p role="status" className="text-xs text-muted-foreground">
          {last && !steer.isPending ? DONE[last] : ""}
        </p>
      </div>
      <FormError message={errorMessage(steer.error)} />
    </div>
  );
}
