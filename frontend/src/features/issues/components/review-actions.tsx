import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Check, Loader2, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { useApproveIssue, useRejectIssue } from "../api/review-issue";
import { AWAITING_APPROVAL, type Issue } from "../types";

interface ReviewActionsProps {
  issue: Issue;
  /** When the cached issue last changed (TanStack Query's `dataUpdatedAt`). */
  updatedAt: number;
}

/** Approve or reject the pull request; only possible while the workflow awaits approval. */
export function ReviewActions({ issue, updatedAt }: ReviewActionsProps) {
  const approve = useApproveIssue(issue.project_id, issue.number);
  const reject = useRejectIssue(issue.project_id, issue.number);
  const [rejecting, setRejecting] = useState(false);
  const [feedback, setFeedback] = useState("");
  // The 202 may still say awaiting_approval (the signal is queued): hold the buttons
  // until the issue changes again, by socket event or refetch.
  const [decidedAt, setDecidedAt] = useState(0);
  const [missing, setMissing] = useState<string | null>(null);
  const feedbackId = useId();
  const rejectButton = useRef<HTMLButtonElement>(null);

  // Decided elsewhere (another tab, a GitHub review): drop a half-written rejection.
  useEffect(() => {
    if (issue.phase !== AWAITING_APPROVAL) setRejecting(false);
  }, [issue.phase]);

  const pending = approve.isPending || reject.isPending;
  const decisionInFlight = decidedAt > 0 && updatedAt <= decidedAt;
  const canDecide = issue.phase === AWAITING_APPROVAL && !pending && !decisionInFlight;
  const feedbackOpen = rejecting && issue.phase === AWAITING_APPROVAL && !decisionInFlight;
  const error = missing ?? approve.error?.message ?? reject.error?.message;

  const onApprove = () => {
    reject.reset();
    approve.mutate(undefined, { onSuccess: () => setDecidedAt(Date.now()) });
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
      setMissing("Tell the coders what has to change.");
      return;
    }
    setMissing(null);
    approve.reset();
    reject.mutate(
      { feedback: feedback.trim() },
      {
        onSuccess: () => {
          setDecidedAt(Date.now());
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
              ? "The pull request waits for your decision."
              : "Enabled when the issue reaches awaiting_approval."}
        </p>
      </div>
      {feedbackOpen && (
        <form className="grid gap-2 rounded-md border bg-background/40 p-3" onSubmit={onReject}>
          <Label htmlFor={feedbackId}>Feedback</Label>
          <Textarea
            id={feedbackId}
            value={feedback}
            onChange={(e) => setFeedback(e.target.value)}
            placeholder="What has to change before this can merge?"
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
