from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, status
from sqlalchemy.ext.asyncio import AsyncSession

from api import runs
from api.deps import CurrentUser, IssueDep, ProjectDep, RuntimeDep, SessionDep, TemporalDep
from api.schemas.error import ErrorOut
from api.schemas.issue import (
    ApproveIn,
    DecisionOut,
    IssueCreate,
    IssueCreatedOut,
    IssueOut,
    RejectIn,
    SteerIn,
    TestReportOut,
)
from mcc.config import Settings
from mcc.conversations import run_conversation_id
from mcc.db.base import utcnow
from mcc.decisions import WAITING, decision_on
from mcc.errors import Conflict, ServiceUnavailable
from mcc.issue_artifacts import artifacts_of
from mcc.issues import Facts, facts_of, file_issue, list_issues, run_waits_notice
from mcc.models.decision import Decision
from mcc.models.issue import Issue
from mcc.models.issue_artifacts import IssueArtifacts
from mcc.pull_request_view import pull_out
from mcc.runtime import Runtime
from mcc.worker_readiness import live_reports
from workflows.issue_payloads import IssueStatus

log = logging.getLogger(__name__)

router = APIRouter(prefix="/projects/{project_id}/issues", tags=["issues"])


async def issue_out(
    session: AsyncSession,
    settings: Settings,
    issue: Issue,
    live: IssueStatus | None = None,
    facts: Facts | None = None,
    decision: Decision | None = None,
    kept: IssueArtifacts | None = None,
    conversation_id: int | None = None,
) -> IssueOut:
    """The issue as its row says, with what its run stored (`kept`) and, where the run
    answered its query, what is moving now (`live`)."""
    if facts is None:
        facts = (await facts_of(session, issue.project_id, [issue]))[issue.id]
    # Without the run's answer, the row's open round and the run's conversation still show.
    extra: dict[str, Any] = {"gate": issue.gate, "conversation_id": conversation_id}
    phase = issue.phase
    if live is not None and not _decided_meanwhile(issue, live):
        phase = live.phase
    if decision is not None:
        extra["decision"] = DecisionOut(
            round=decision.round,
            kind=decision.kind,
            feedback=decision.feedback,
            head=decision.head_sha,
            decided_at=decision.created_at,
        )
    if live is not None:
        extra |= {
            "gate": issue.gate if _decided_meanwhile(issue, live) else live.gate,
            "agents_at_work": live.agents_at_work,
            "conversation_id": live.conversation_id or conversation_id,
        }
    extra |= _loops(facts, live) | _produced(kept, live)
    return IssueOut(
        project_id=issue.project_id,
        number=issue.number,
        title=issue.title,
        body=issue.body,
        phase=phase,
        round=issue.round,
        head=issue.head_sha,
        state=issue.state,
        workflow_id=issue.workflow_id,
        temporal_url=settings.temporal_run_url(issue.workflow_id),
        pull_request=pull_out(facts.pull, issue.number) if facts.pull is not None else None,
        error=issue.error or (live.error if live is not None else None),
        tokens=facts.tokens,
        cost_usd=facts.cost_usd,
        spend_usd=facts.spend_usd,
        created_at=issue.created_at,
        **extra,
    )


def _produced(kept: IssueArtifacts | None, live: IssueStatus | None) -> dict[str, Any]:
    """The run's spec, latest test report and review as stored; the live status fills in
    what a run has not stored (one started before MCC kept them)."""
    spec = kept.spec if kept is not None else None
    report = TestReportOut(**kept.test_report) if kept and kept.test_report else None
    review = kept.review if kept is not None else None
    verdict = kept.review_verdict if kept is not None else None
    if live is not None:
        spec = spec if spec is not None else live.spec
        if report is None and live.test_report is not None:
            report = TestReportOut(**vars(live.test_report))
        review = review if review is not None else live.review
    return {"spec": spec, "test_report": report, "review": review, "review_verdict": verdict}


def _loops(facts: Facts, live: IssueStatus | None) -> dict[str, int]:
    """The run's loop counts: live while it answers its query, else as its latest phase
    stored them (0 for a run that stored none)."""
    source: IssueStatus | Facts = live if live is not None else facts
    return {
        "test_loops": source.test_loops,
        "review_loops": source.review_loops,
        "rejections": source.rejections,
    }


def _decided_meanwhile(issue: Issue, live: IssueStatus) -> bool:
    """A decision is claimed that the run has not taken in yet (or cannot: no worker):
    the stored next phase is the truth, never the run's old waiting phase."""
    return live.phase in WAITING and issue.gate is None and issue.round >= live.round


@router.get("", response_model=list[IssueOut])
async def list_all(project: ProjectDep, session: SessionDep, runtime: RuntimeDep) -> list[IssueOut]:
    """Issues with the phase their runs last reported (pushed live over socket.io)."""
    issues = await list_issues(session, project.id)
    facts = await facts_of(session, project.id, issues)
    return [
        await issue_out(session, runtime.settings, issue, facts=facts[issue.id]) for issue in issues
    ]


@router.post(
    "",
    response_model=IssueCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"model": ErrorOut, "description": "the forge denied opening the issue"},
        404: {"model": ErrorOut, "description": "the forge does not know the repository"},
        503: {"model": ErrorOut, "description": "the forge could not be reached; nothing saved"},
    },
)
async def create(
    body: IssueCreate,
    project: ProjectDep,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> IssueCreatedOut:
    """Open the issue on the project's forge, store it under the forge's number and
    start its run.

    On GitHub the issue is opened there first (GitHub numbers it); if GitHub refuses
    or cannot be reached, nothing is stored. The issue is committed before its run
    starts, so when Temporal cannot be reached the issue exists all the same: 201 with
    `run_started: false` (an error would have a client file it again), and a worker
    starts the run once it reaches Temporal.
    """
    issue, stored = await file_issue(session, runtime.forge, project, body.title, body.body)
    notice = None
    try:
        await runs.start_issue_run(temporal.client, runtime.settings, project, issue)
    except Conflict:
        if stored:
            raise
        # GitHub's delivery of the issue stored it first and started its run.
    except ServiceUnavailable as exc:
        log.warning("issue %s is saved; its run waits for Temporal: %s", issue.workflow_id, exc)
        notice = run_waits_notice(issue.number)
    out = await issue_out(session, runtime.settings, issue)
    return IssueCreatedOut(**dict(out), run_started=notice is None, notice=notice)


@router.get("/{number}", response_model=IssueOut, responses={404: {"model": ErrorOut}})
async def get_one(
    issue: IssueDep, session: SessionDep, runtime: RuntimeDep, temporal: TemporalDep
) -> IssueOut:
    """The issue with its phase live from the run's `status` query, its approval round
    (number and head commit), the decision taken on it, and the spec, test report,
    review and loop counts its run stored (shown whether or not the run still answers)."""
    asked = temporal.maybe_client if await _a_worker_may_answer(runtime, session) else None
    live = await runs.issue_status(asked, issue)
    if live is not None and live.round > issue.round:
        # The run opened a round since the row was read: read it again, in a new transaction.
        await session.commit()
        await session.refresh(issue)
    decision = await decision_on(session, issue.id, issue.round)
    kept = await artifacts_of(session, issue.id)
    conversation_id = await run_conversation_id(session, issue.project_id, issue.workflow_id)
    return await issue_out(
        session,
        runtime.settings,
        issue,
        live,
        decision=decision,
        kept=kept,
        conversation_id=conversation_id,
    )


async def _a_worker_may_answer(runtime: Runtime, session: AsyncSession) -> bool:
    """Only a worker answers a run's query, and without one the page waited the query's
    whole timeout (3 s) for nothing: an API process whose workers all stopped (none
    reported in two minutes, `mcc.worker_readiness`) does not ask."""
    return runtime.runs_worker or bool(await live_reports(session, utcnow()))


_DECISION_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorOut,
        "description": "decision_taken (another decision won this round, named in the "
        "message), stale_round, head_moved, or the run awaits no such decision.",
    }
}


@router.post(
    "/{number}/approve",
    response_model=IssueOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_DECISION_ERRORS,
)
async def approve(
    body: ApproveIn,
    issue: IssueDep,
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> IssueOut:
    """Approve round `round` on head `head` (in needs_attention: retry)."""
    decision = await runs.decide_issue(
        temporal.client, session, issue, "approve", body.round, body.head, user_id=user.id
    )
    return await issue_out(session, runtime.settings, issue, decision=decision)


@router.post(
    "/{number}/reject",
    response_model=IssueOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_DECISION_ERRORS,
)
async def reject(
    body: RejectIn,
    issue: IssueDep,
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> IssueOut:
    """Send round `round` back with feedback (to the architect at the spec gate, to a coder
    at the merge gate)."""
    decision = await runs.decide_issue(
        temporal.client,
        session,
        issue,
        "reject",
        body.round,
        body.head,
        body.feedback,
        user_id=user.id,
    )
    return await issue_out(session, runtime.settings, issue, decision=decision)


@router.post(
    "/{number}/{action}",
    response_model=IssueOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_DECISION_ERRORS,
)
async def steer(
    action: Literal["retry", "pause", "resume", "cancel"],
    issue: IssueDep,
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
    body: SteerIn | None = None,
) -> IssueOut:
    """retry after needs_attention; pause, resume or cancel the whole run.

    retry, and cancel while a round is open, are that round's decision (the body may
    name the round and head; without it, the open round).
    """
    body = body or SteerIn()
    deciding = action == "retry" or (
        action == "cancel" and (body.round is not None or issue.gate is not None)
    )
    if not deciding:
        await runs.steer_issue(temporal.client, issue, action)
        return await issue_out(session, runtime.settings, issue)
    decision = await runs.decide_issue(
        temporal.client, session, issue, action, body.round, body.head, user_id=user.id
    )
    return await issue_out(session, runtime.settings, issue, decision=decision)
