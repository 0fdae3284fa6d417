import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Check, Loader2, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { useApproveIssue, useRejectIssue } from "../api/review-issue";
import type { ApiError } from "@/lib/api-client";
import { formatTimestamp } from "@/lib/format";
import { isFinalPhase, phaseWords } from "../phases";
import { AWAITING_APPROVAL, REFUSED, gateOf, type Gate, type Issue } from "../types";

const WAITING: Record<Gate, string> = {
  spec: "The spec waits for your decision: Approve lets the coders start on it, Reject sends it back to the architect.",
  merge: "The pull request waits for your decision: Approve merges it, Reject sends it back to the coders.",
};

const PLACEHOLDER: Record<Gate, string> = {
  spec: "What should the spec change before the coders start?",
  merge: "What has to change before this can merge?",
};

/** The refusal of a decision in plain words (a 409 names why), else the error's message. */
function refusal(error: ApiError | null | undefined): string | undefined {
  if (!error) return undefined;
  const plain = error.status === 409 ? REFUSED[error.code] : undefined;
  return plain ? `${plain} (${error.message})` : error.message;
}

/**
 * Approve or reject what the run waits for: the spec (gate `spec`) or the pull request (gate
 * `merge`). A decision is made on the approval round and head commit shown here; once one is
 * sent, both buttons stay disabled for that round (the server accepts one decision per round).
 */
export function ReviewActions({ issue }: { issue: Issue }) {
  const approve = useApproveIssue(issue.project_id, issue.number);
  const reject = useRejectIssue(issue.project_id, issue.number);
  const [rejecting, setRejecting] = useState(false);
  const [feedback, setFeedback] = useState("");
  // The round and head this page sent a decision on: nothing more is sent for them.
  const [sent, setSent] = useState<{ round: number; head: string | null } | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const feedbackId = useId();
  const rejectButton = useRef<HTMLButtonElement>(null);
  const gate = gateOf(issue);
  const shown = { round: issue.round ?? 0, head: issue.head ?? null };
  const decision = issue.decision && issue.decision.round === shown.round ? issue.decision : null;

  // The run moved on (decided here, elsewhere, or a new round): drop a half-written rejection.
  useEffect(() => {
    if (issue.phase !== AWAITING_APPROVAL) setRejecting(false);
  }, [issue.phase]);

  const sentHere = sent !== null && sent.round === shown.round && sent.head === shown.head;
  // The phase arrives live before the round it opened (the detail is fetched right after):
  // a decision needs the round, which the server checks, so wait for it.
  const roundKnown = shown.round > 0;
  const canDecide = issue.phase === AWAITING_APPROVAL && roundKnown && !sentHere && decision === null;
  const feedbackOpen = rejecting && canDecide;
  const error = missing ?? refusal(approve.error) ?? refusal(reject.error);

  // Refused for a reason other than the round (the network, a 503): the round is still open.
  const reopen = (err: ApiError) => {
    if (err.status !== 409) setSent(null);
  };

  const onApprove = () => {
    reject.reset();
    setSent(shown);
    approve.mutate(shown, { onError: reopen });
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
    setSent(shown);
    reject.mutate(
      { ...shown, feedback: feedback.trim() },
      {
        onSuccess: () => {
          setRejecting(false);
          setFeedback("");
        },
        onError: reopen,
      },
    );
  };

  // An ended issue will never reach awaiting_approval again: say so, not "enabled when…".
  const ended = isFinalPhase(issue.phase)
    ? `The issue has ended (${phaseWords(issue.phase).toLowerCase()}): there is nothing left to decide.`
    : null;
  const decided = decision
    ? `Decided by you at ${formatTimestamp(decision.decided_at)}: ${decision.kind}${decision.kind === "reject" ? " (sent back with your feedback)" : ""}.`
    : null;
  const status = decided
    ? [decided, ended].filter(Boolean).join(" ")
    : sentHere && (approve.isPending || reject.isPending)
      ? "Decision sent…"
      : (ended ??
        (issue.phase === AWAITING_APPROVAL
          ? roundKnown
            ? WAITING[gate]
            : "Loading what you decide on…"
          : "Enabled when the issue reaches awaiting_approval (the spec first, then the merge)."));

  return (
    <div className="grid gap-3">
      {shown.round > 0 && (
        <p className="text-xs text-muted-foreground" aria-label="what you decide on">
          Round {shown.round}
          {shown.head ? (
            <>
              {" "}
              on head <code className="font-mono">{shown.head.slice(0, 12)}</code>
            </>
          ) : null}
        </p>
      )}
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
        <p className="text-xs text-muted-foreground" role="status">
          {status}
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
            <Button type="submit" variant="destructive" size="sm" disabled={!canDecide} aria-busy={reject.isPending}>
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
