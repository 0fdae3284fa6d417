import { useState } from "react";
import { Loader2, Pause, Play, Square } from "lucide-react";

import { Button } from "@/components/ui/button";
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
 * Pause, resume or cancel the conversation's run. The API does not say whether a run is
 * paused, so both Pause and Resume stay available until one of them was used here.
 */
export function RunControls({ conversation }: { conversation: Conversation }) {
  const steer = useSteerRun(conversation);
  const [last, setLast] = useState<SteerAction | null>(null);

  const run = (action: SteerAction) => steer.mutate(action, { onSuccess: () => setLast(action) });
  const busy = (action: SteerAction) => steer.isPending && steer.variables === action;
  const icon = (action: SteerAction, Icon: typeof Pause) =>
    busy(action) ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Icon aria-hidden="true" />;

  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => run("pause")}
          disabled={steer.isPending || last === "pause" || last === "cancel"}
          aria-busy={busy("pause")}
        >
          {icon("pause", Pause)}
          Pause
        </Button>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => run("resume")}
          disabled={steer.isPending || last === "resume" || last === "cancel"}
          aria-busy={busy("resume")}
        >
          {icon("resume", Play)}
          Resume
        </Button>
        <Button
          variant="destructive"
          size="sm"
          onClick={() => run("cancel")}
          disabled={steer.isPending || last === "cancel"}
          aria-busy={busy("cancel")}
        >
          {icon("cancel", Square)}
          Cancel run
        </Button>
        <p role="status" className="text-xs text-muted-foreground">
          {last && !steer.isPending ? DONE[last] : ""}
        </p>
      </div>
      <FormError message={errorMessage(steer.error)} />
    </div>
  );
}
