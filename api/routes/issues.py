from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, status
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import runs
from api.deps import IssueDep, ProjectDep, RuntimeDep, SessionDep, TemporalDep
from api.routes.pulls import pull_out
from api.schemas.error import ErrorOut
from api.schemas.issue import IssueCreate, IssueOut, RejectIn, TestReportOut
from mcc.config import Settings
from mcc.errors import ServiceUnavailable
from mcc.issues import create_issue, list_issues
from mcc.models.issue import Issue
from mcc.models.pull_request import PullRequest
from mcc.models.token_usage import TokenUsage
from workflows.issue import IssueStatus

router = APIRouter(prefix="/projects/{project_id}/issues", tags=["issues"])


async def issue_out(
    session: AsyncSession, settings: Settings, issue: Issue, live: IssueStatus | None = None
) -> IssueOut:
    pr = await session.scalar(select(PullRequest).where(PullRequest.issue_id == issue.id))
    spent = (
        await session.execute(
            select(
                func.coalesce(func.sum(TokenUsage.tokens_in + TokenUsage.tokens_out), 0),
                func.coalesce(func.sum(TokenUsage.cost_usd), 0),
            ).where(
                or_(
                    TokenUsage.task_id == issue.workflow_id,
                    TokenUsage.task_id.like(f"{issue.workflow_id}/%"),
                )
            )
        )
    ).one()
    extra: dict[str, Any] = {}
    if live is not None:
        report = live.test_report
        extra = {
            "gate": live.gate,
            "agents_at_work": live.agents_at_work,
            "test_loops": live.test_loops,
            "review_loops": live.review_loops,
            "rejections": live.rejections,
            "spec": live.spec,
            "test_report": TestReportOut(**vars(report)) if report is not None else None,
            "review": live.review,
            "conversation_id": live.conversation_id,
        }
    return IssueOut(
        project_id=issue.project_id,
        number=issue.number,
        title=issue.title,
        body=issue.body,
        phase=live.phase if live is not None else issue.phase,
        state=issue.state,
        workflow_id=issue.workflow_id,
        temporal_url=settings.temporal_run_url(issue.workflow_id),
        pull_request=pull_out(pr, issue.number) if pr is not None else None,
        error=live.error if live is not None else None,
        tokens=int(spent[0]),
        cost_usd=float(spent[1]),
        created_at=issue.created_at,
        **extra,
    )


@router.get("", response_model=list[IssueOut])
async def list_all(project: ProjectDep, session: SessionDep, runtime: RuntimeDep) -> list[IssueOut]:
    """Issues with the phase their runs last reported (pushed live over socket.io)."""
    return [
        await issue_out(session, runtime.settings, issue)
        for issue in await list_issues(session, project.id)
    ]


@router.post(
    "",
    response_model=IssueOut,
    status_code=status.HTTP_201_CREATED,
    responses={503: {"model": ErrorOut}},
)
async def create(
    body: IssueCreate,
    project: ProjectDep,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> IssueOut:
    """Store the issue and start its run.

    The issue is committed first: if Temporal is down it is kept (503 says so) and
    its run starts when MCC next starts with Temporal reachable.
    """
    issue = await create_issue(session, project, body.title, body.body)
    try:
        await runs.start_issue_run(temporal.client, runtime.settings, project, issue)
    except ServiceUnavailable as exc:
        raise ServiceUnavailable(
            f"issue #{issue.number} was saved, but its run could not start yet: {exc.message}"
        ) from exc
    return await issue_out(session, runtime.settings, issue)


@router.get("/{number}", response_model=IssueOut, responses={404: {"model": ErrorOut}})
async def get_one(
    issue: IssueDep, session: SessionDep, runtime: RuntimeDep, temporal: TemporalDep
) -> IssueOut:
    """The issue with its phase live from the run's `status` query."""
    live = await runs.issue_status(temporal.maybe_client, issue)
    return await issue_out(session, runtime.settings, issue, live)


@router.post(
    "/{number}/approve",
    response_model=IssueOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"model": ErrorOut}},
)
async def approve(
    issue: IssueDep, session: SessionDep, runtime: RuntimeDep, temporal: TemporalDep
) -> IssueOut:
    await runs.approve_issue(temporal.client, issue)
    return await issue_out(session, runtime.settings, issue)


@router.post(
    "/{number}/reject",
    response_model=IssueOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"model": ErrorOut}},
)
async def reject(
    body: RejectIn,
    issue: IssueDep,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> IssueOut:
    await runs.reject_issue(temporal.client, issue, body.feedback)
    return await issue_out(session, runtime.settings, issue)


@router.post(
    "/{number}/{action}",
    response_model=IssueOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"model": ErrorOut}},
)
async def steer(
    action: Literal["retry", "pause", "resume", "cancel"],
    issue: IssueDep,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> IssueOut:
    """retry after needs_attention; pause, resume or cancel the whole run."""
    await runs.steer_issue(temporal.client, issue, action)
    return await issue_out(session, runtime.settings, issue)
