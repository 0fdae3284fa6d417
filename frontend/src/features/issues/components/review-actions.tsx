import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Check, Loader2, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { useApproveIssue, useRejectIssue } from "../api/review-issue";
import { AWAITING_APPROVAL, gateOf, type Gate, type Issue } from "../types";

/** The longest the buttons stay held after a decision while the run still shows the same gate. */
const DECISION_HOLD_MS = 30_000;

const WAITING: Record<Gate, string> = {
  spec: "The spec waits for your decision: Approve lets the coders start on it, Reject sends it back to the architect.",
  merge: "The pull request waits for your decision: Approve merges it, Reject sends it back to the coders.",
};

const PLACEHOLDER: Record<Gate, string> = {
  spec: "What should the spec change before the coders start?",
  merge: "What has to change before this can merge?",
};

/**
 * Approve or reject what the run waits for: the spec (gate `spec`) or the pull request (gate
 * `merge`); only possible while the workflow awaits approval.
 */
export function ReviewActions({ issue }: { issue: Issue }) {
  const approve = useApproveIssue(issue.project_id, issue.number);
  const reject = useRejectIssue(issue.project_id, issue.number);
  const [rejecting, setRejecting] = useState(false);
  const [feedback, setFeedback] = useState("");
  // The 202 may still say awaiting_approval (the signal is queued, and refetches come in
  // before the run moves on): hold the buttons until the run leaves awaiting_approval or
  // waits at another gate.
  const [decidedGate, setDecidedGate] = useState<Gate | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const feedbackId = useId();
  const rejectButton = useRef<HTMLButtonElement>(null);
  const gate = gateOf(issue);

  // Decided elsewhere (another tab, a GitHub review), or the decision went through: drop a
  // half-written rejection, and the hold on the buttons.
  useEffect(() => {
    if (issue.phase !== AWAITING_APPROVAL) {
      setRejecting(false);
      setDecidedGate(null);
    }
  }, [issue.phase]);

  // A transition this page missed (offline) must not hold the buttons for good.
  useEffect(() => {
    if (decidedGate === null) return;
    const timer = setTimeout(() => setDecidedGate(null), DECISION_HOLD_MS);
    return () => clearTimeout(timer);
  }, [decidedGate]);

  const pending = approve.isPending || reject.isPending;
  const decisionInFlight = decidedGate !== null && decidedGate === gate && issue.phase === AWAITING_APPROVAL;
  const canDecide = issue.phase === AWAITING_APPROVAL && !pending && !decisionInFlight;
  const feedbackOpen = rejecting && issue.phase === AWAITING_APPROVAL && !decisionInFlight;
  const error = missing ?? approve.error?.message ?? reject.error?.message;

  const onApprove = () => {
    reject.reset();
    approve.mutate(undefined, { onSuccess: () => setDecidedGate(gate) });
  };

  const onCancel = () => {
    setRejecting(false);
    setMissing(null);
    // The Reject button comes back on the next render; give it the focus back.
    requestAnimationFrame(() => rejectButton.current?.focus());
  };

  const onReject = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!feedback.trim()) {
      setMissing(gate === "spec" ? "Tell the architect what has to change." : "Tell the coders what has to change.");
      return;
    }
    setMissing(null);
    approve.reset();
    reject.mutate(
      { feedback: feedback.trim() },
      {
        onSuccess: () => {
          setDecidedGate(gate);
          setRejecting(false);
          setFeedback("");
        },
      },
    );
  };

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          onClick={onApprove}
          disabled={!canDecide}
          aria-busy={approve.isPending}
          className="bg-emerald-600 text-white hover:bg-emerald-600/90"
        >
          {approve.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Check aria-hidden="true" />}
          Approve
        </Button>
        {/* Hidden while the feedback form is open: its "Send rejection" is the reject action then. */}
        {!feedbackOpen && (
          <Button
            ref={rejectButton}
            variant="destructive"
            onClick={() => {
              setMissing(null);
              setRejecting(true);
            }}
            disabled={!canDecide}
          >
            <X aria-hidden="true" />
            Reject
          </Button>
        )}
        <p className="text-xs text-muted-foreground">
          {decisionInFlight
            ? "Decision sent, waiting for the workflow…"
            : issue.phase === AWAITING_APPROVAL
              ? WAITING[gate]
              : "Enabled when the issue reaches awaiting_approval (the spec first, then the merge)."}
        </p>
      </div>
      {feedbackOpen && (
        <form className="grid gap-2 rounded-md border bg-background/40 p-3" onSubmit={onReject}>
          <Label htmlFor={feedbackId}>Feedback</Label>
          <Textarea
            id={feedbackId}
            value={feedback}
            onChange={(e) => setFeedback(e.target.value)}
            placeholder={PLACEHOLDER[gate]}
            rows={3}
            autoFocus
          />
          <div className="flex gap-2">
            <Button
              type="submit"
              variant="destructive"
              size="sm"
              disabled={pending}
              aria-busy={reject.isPending}
            >
              {reject.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
              Send rejection
            </Button>
            <Button type="button" variant="ghost" size="sm" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      <FormError message={error} />
    </div>
  );
}
