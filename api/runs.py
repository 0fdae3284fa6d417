"""Starting, querying and signalling issue runs (the API's side of IssueWorkflow)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from mcc.config import Settings
from mcc.db.engine import Database
from mcc.errors import Conflict, ServiceUnavailable
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.phases import Phase
from workflows.issue import IssueWorkflow
from workflows.issue_payloads import IssueRunInput, IssueStatus, RejectInput
from workflows.search_attributes import MCC_ISSUE, MCC_PHASE, MCC_PROJECT

log = logging.getLogger(__name__)

QUERY_TIMEOUT = timedelta(seconds=3)
DECIDABLE = {Phase.AWAITING_APPROVAL.value, Phase.NEEDS_ATTENTION.value}


async def start_issue_run(
    client: Client, settings: Settings, project: Project, issue: Issue
) -> None:
    """Start the issue's run; its id makes a second start fail instead of running twice."""
    try:
        await client.start_workflow(
            IssueWorkflow.run,
            IssueRunInput(
                project.id,
                project.slug,
                issue.number,
                max_test_loops=settings.pipeline_max_test_loops,
                max_review_loops=settings.pipeline_max_review_loops,
                agent_max_steps=settings.agent_max_steps,
            ),
            id=issue.workflow_id,
            task_queue=settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(MCC_PROJECT, project.slug),
                    SearchAttributePair(MCC_ISSUE, issue.number),
                    SearchAttributePair(MCC_PHASE, Phase.QUEUED.value),
                ]
            ),
        )
    except WorkflowAlreadyStartedError as exc:
        raise Conflict(f"issue #{issue.number} already has a run ({issue.workflow_id})") from exc
    except RPCError as exc:
        raise ServiceUnavailable(f"could not start the run: {exc.message}") from exc


def _handle(client: Client, issue: Issue) -> WorkflowHandle[IssueWorkflow, object]:
    return client.get_workflow_handle_for(IssueWorkflow.run, issue.workflow_id)


async def issue_status(client: Client | None, issue: Issue) -> IssueStatus | None:
    """The run's live status, or None when it cannot be asked (then the stored phase serves)."""
    if client is None:
        return None
    try:
        return await _handle(client, issue).query(IssueWorkflow.status, rpc_timeout=QUERY_TIMEOUT)
    except Exception as exc:
        log.info("status query for %s failed: %s", issue.workflow_id, exc)
        return None


async def _live_phase(client: Client, issue: Issue) -> str:
    """The run's phase from its query, or the stored one when the run cannot answer."""
    status = await issue_status(client, issue)
    return status.phase if status is not None else issue.phase


def _not_awaiting(issue: Issue, phase: str) -> Conflict:
    return Conflict(f"issue #{issue.number} is not awaiting approval (phase: {phase})")


async def approve_issue(client: Client, issue: Issue) -> None:
    """Approve at the gate; in needs_attention an approval means "retry"."""
    phase = await _live_phase(client, issue)
    if phase not in DECIDABLE:
        raise _not_awaiting(issue, phase)
    await _handle(client, issue).signal(IssueWorkflow.approve)


async def reject_issue(client: Client, issue: Issue, feedback: str) -> None:
    phase = await _live_phase(client, issue)
    if phase != Phase.AWAITING_APPROVAL.value:
        raise _not_awaiting(issue, phase)
    await _handle(client, issue).signal(IssueWorkflow.reject, RejectInput(feedback))


async def steer_issue(client: Client, issue: Issue, action: str) -> None:
    """retry (after needs_attention), pause, resume or cancel the issue's run."""
    phase = await _live_phase(client, issue)
    if Phase(phase).is_final:
        raise Conflict(f"issue #{issue.number}'s run has ended (phase: {phase})")
    if action == "retry" and phase != Phase.NEEDS_ATTENTION.value:
        raise Conflict(f"issue #{issue.number} does not need attention (phase: {phase})")
    await _handle(client, issue).signal(action)


async def start_queued_runs(client: Client, settings: Settings, db: Database) -> int:
    """Start the runs of issues stored while Temporal was unreachable; returns how many."""
    started = 0
    async with db.sessions() as session:
        rows = await session.execute(
            select(Issue, Project)
            .join(Project, Project.id == Issue.project_id)
            .where(Issue.phase == Phase.QUEUED.value, Issue.state == "open")
        )
        for issue, project in rows.all():
            try:
                await start_issue_run(client, settings, project, issue)
                started += 1
            except Conflict:
                continue
    return started
