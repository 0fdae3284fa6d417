"""The person's decisions on an issue's run: one claimed decision per approval round.

Every waiting point of a run (the spec gate, the merge gate, needs_attention) opens a
numbered round that shows the head commit it is about. A decision names the round
(and the head it was made on); claiming it inserts one row that a UNIQUE(issue,
round) constraint lets exist once, and moves the issue to its next phase in the same
transaction. So of two decisions in the same instant exactly one is stored, the
other is told which one won, and the issue never shows a decided round as waiting.

The signal that tells the run follows the claim's commit, so a claim can outlive its
signal (the process dies in between). `signalled_at` stays NULL until the signal is
through; such decisions are sent again (`undelivered`) by the next attempt to decide
the issue and at MCC's start-up. The run keeps the first decision of each round, so a
decision sent twice is still taken once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.errors import Conflict, DecisionTaken, HeadMoved, StaleRound
from mcc.models.decision import Decision
from mcc.models.issue import Issue
from mcc.phases import Phase

# Which decisions each gate takes, and the phase each one leads to.
_NEXT: dict[tuple[str, str], Phase | None] = {
    ("spec", "approve"): Phase.CODING,
    ("spec", "reject"): Phase.PLANNING,
    ("spec", "cancel"): Phase.CANCELLED,
    ("merge", "approve"): Phase.MERGING,
    ("merge", "reject"): Phase.CODING,
    ("merge", "cancel"): Phase.CANCELLED,
    ("attention", "retry"): None,  # back to where the run stopped
    ("attention", "cancel"): Phase.CANCELLED,
}
WAITING = {Phase.AWAITING_APPROVAL.value, Phase.NEEDS_ATTENTION.value}


@dataclass(frozen=True)
class Round:
    """An approval round as the workflow opens it."""

    project_id: int
    issue_number: int
    number: int
    gate: str  # spec | merge | attention
    head_sha: str | None
    resume_phase: str | None = None
    error: str | None = None  # why the run needs attention (an attention round's)

    @property
    def phase(self) -> str:
        waiting = Phase.NEEDS_ATTENTION if self.gate == "attention" else Phase.AWAITING_APPROVAL
        return waiting.value


async def open_round(session: AsyncSession, opened: Round) -> None:
    """Store the round and its waiting phase at once (a repeat of the same round is a no-op,
    so a retried activity never reopens a round that was already decided)."""
    await session.execute(
        update(Issue)
        .where(
            Issue.project_id == opened.project_id,
            Issue.number == opened.issue_number,
            Issue.round < opened.number,
        )
        .values(
            round=opened.number,
            gate=opened.gate,
            head_sha=opened.head_sha,
            resume_phase=opened.resume_phase,
            phase=opened.phase,
            error=opened.error,
        )
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def decision_on(session: AsyncSession, issue_id: int, round_: int) -> Decision | None:
    return await session.scalar(
        select(Decision).where(Decision.issue_id == issue_id, Decision.round == round_)
    )


def describe(decision: Decision) -> str:
    when = decision.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"round {decision.round} was already decided: {decision.kind} at {when}"


async def claim_decision(
    session: AsyncSession,
    issue_id: int,
    kind: str,
    round_: int | None,
    head_sha: str | None,
    feedback: str = "",
    user_id: int | None = None,
) -> Decision:
    """Claim the round for this decision, or raise why not (nothing is changed then).

    `round_` and `head_sha` may be None only for retry and cancel (the open round).
    The claim is one conditional UPDATE of the issue (still this round, still open):
    of concurrent claims the database lets exactly one match, on SQLite and PostgreSQL.
    """
    issue = await session.get(Issue, issue_id, populate_existing=True)
    if issue is None:
        raise Conflict("the issue no longer exists")
    number = issue.round if round_ is None else round_
    gate, head, resume, phase = issue.gate, issue.head_sha, issue.resume_phase, issue.phase
    await _refuse_unless_open(session, issue, number)
    if head_sha is not None and head is not None and head_sha != head:
        raise HeadMoved(
            f"the branch's head is now {head[:12]}, not {head_sha[:12]}: "
            "look at the new head and decide again"
        )
    assert gate is not None
    if gate == "attention" and kind == "approve":
        kind = "retry"  # approving a stopped run means "try again"
    if (gate, kind) not in _NEXT:
        raise Conflict(f"a {kind} does not apply here (issue #{issue.number}: {phase})")
    following = _NEXT[(gate, kind)]
    next_phase = following.value if following is not None else resume or phase
    await session.rollback()  # the claim starts its own transaction with its write
    claimed = await session.execute(
        update(Issue)
        .where(Issue.id == issue_id, Issue.round == number, Issue.gate == gate)
        .values(gate=None, phase=next_phase)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        won = await decision_on(session, issue_id, number)
        raise DecisionTaken(describe(won)) if won else StaleRound(f"round {number} is over")
    decision = Decision(
        issue_id=issue_id,
        round=number,
        kind=kind,
        gate=gate,
        head_sha=head,
        feedback=feedback,
        user_id=user_id,
    )
    session.add(decision)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        won = await decision_on(session, issue_id, number)
        taken = describe(won) if won else f"round {number} was already decided"
        raise DecisionTaken(taken) from exc
    return decision


async def _refuse_unless_open(session: AsyncSession, issue: Issue, number: int) -> None:
    won = await decision_on(session, issue.id, number)
    if won is not None:
        raise DecisionTaken(describe(won))
    if issue.gate is None:
        raise StaleRound(
            f"round {number} is not open: issue #{issue.number} awaits no decision "
            f"(phase: {issue.phase})"
        )
    if number != issue.round:
        raise StaleRound(f"round {number} is not the open round ({issue.round})")


async def withdraw_decision(session: AsyncSession, decision: Decision) -> bool:
    """Undo a claim whose delivery to the run failed: the round is open again.

    False (nothing undone) when a later attempt has meanwhile sent it to the run."""
    waiting = Phase.NEEDS_ATTENTION if decision.gate == "attention" else Phase.AWAITING_APPROVAL
    phase = waiting.value
    withdrawn = await session.execute(
        delete(Decision).where(Decision.id == decision.id, Decision.signalled_at.is_(None))
    )
    if withdrawn.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        return False
    await session.execute(
        update(Issue)
        .where(Issue.id == decision.issue_id, Issue.round == decision.round)
        .values(gate=decision.gate, phase=phase)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return True


async def undelivered(session: AsyncSession, issue_id: int | None = None) -> list[Decision]:
    """Claimed decisions whose signal has not (knowingly) reached their run, oldest first;
    of one issue, or of every issue (MCC's start-up)."""
    query = select(Decision).where(Decision.signalled_at.is_(None))
    if issue_id is not None:
        query = query.where(Decision.issue_id == issue_id)
    return list(await session.scalars(query.order_by(Decision.issue_id, Decision.round)))


async def mark_signalled(session: AsyncSession, decision: Decision) -> None:
    """The run has the decision: it need not be sent again."""
    await session.execute(
        update(Decision)
        .where(Decision.id == decision.id, Decision.signalled_at.is_(None))
        .values(signalled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.commit()
