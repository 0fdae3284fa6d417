"""Starting, querying and signalling issue runs (the API's side of IssueWorkflow)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.decisions import claim_decision, mark_signalled, undelivered, withdraw_decision
from mcc.errors import Conflict, DecisionTaken, ServiceUnavailable, first_line
from mcc.issues import queued_issues
from mcc.models.decision import Decision
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.phases import Phase
from workflows.issue import IssueWorkflow
from workflows.issue_payloads import Decided, IssueRunInput, IssueStatus
from workflows.search_attributes import MCC_ISSUE, MCC_PHASE, MCC_PROJECT

log = logging.getLogger(__name__)

QUERY_TIMEOUT = timedelta(seconds=3)
# Temporal's client retries an unreachable server for seconds (its `rpc_timeout` bounds one
# attempt, not the retries: bench/README.md), and a person waits on a start. Giving up sooner is safe: the
# issue is saved and a worker starts its run, and a start that still lands is the same
# run (its id), which the worker's own start then finds.
START_WITHIN_S = 3.0


async def start_issue_run(
    client: Client, settings: Settings, project: Project, issue: Issue
) -> None:
    """Start the issue's run; its id makes a second start fail instead of running twice."""
    try:
        async with asyncio.timeout(START_WITHIN_S):
            await _start(client, settings, project, issue)
    except TimeoutError as exc:
        raise ServiceUnavailable(
            f"could not start the run: Temporal did not answer within {START_WITHIN_S:.0f} s"
        ) from exc


async def _start(client: Client, settings: Settings, project: Project, issue: Issue) -> None:
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
                ci_timeout_s=settings.github_ci_timeout_minutes * 60,
                ci_poll_s=settings.github_ci_poll_seconds,
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


async def decide_issue(
    client: Client,
    session: AsyncSession,
    issue: Issue,
    kind: str,
    round_: int | None,
    head: str | None,
    feedback: str = "",
    user_id: int | None = None,
) -> Decision:
    """Claim the round for this decision in the database, then deliver it to the run.

    The claim makes it the round's only decision (others get 409) and shows the next
    phase at once; the signal is durable in Temporal even while no worker runs. If
    Temporal refuses the signal, the claim is withdrawn and the round is open again.
    If the process dies between claim and signal, the decision stays stored but
    unsignalled: a later attempt on the round (which loses to it) sends it again.
    """
    run = _handle(client, issue)
    number, issue_id = issue.number, issue.id  # a refused claim leaves `issue` expired
    try:
        decision = await claim_decision(session, issue_id, kind, round_, head, feedback, user_id)
    except DecisionTaken:
        await resend_decisions(client, session, issue_id)
        raise
    try:
        await run.signal(IssueWorkflow.decide, _decided(decision))
    except Exception as exc:  # RPCError, or a client that could not connect at all
        withdrawn = await withdraw_decision(session, decision)
        if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
            raise Conflict(f"issue #{number}'s run has ended") from exc
        if withdrawn:
            why = exc.message if isinstance(exc, RPCError) else first_line(exc)
            raise ServiceUnavailable(f"the decision could not reach the run: {why}") from exc
        # Not withdrawn: a concurrent attempt on the round has sent it to the run.
    else:
        await mark_signalled(session, decision)
    finally:
        await session.refresh(issue)
    return decision


def _decided(decision: Decision) -> Decided:
    return Decided(decision.round, decision.kind, decision.feedback, decision.head_sha)


async def resend_decisions(client: Client, session: AsyncSession, issue_id: int | None) -> int:
    """Signal again the claimed decisions whose signal may not have reached their run
    (of one issue, or of all at start-up); returns how many were delivered.

    Sending twice is safe: the run keeps the first decision of a round. A run that has
    ended needs none. One Temporal cannot reach stays unsignalled for the next try.
    """
    delivered = 0
    for decision in await undelivered(session, issue_id):
        issue = await session.get(Issue, decision.issue_id, populate_existing=True)
        if issue is None:
            continue
        try:
            await _handle(client, issue).signal(IssueWorkflow.decide, _decided(decision))
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                log.warning(
                    "round %d of %s: its decision could not be sent again: %s",
                    decision.round,
                    issue.workflow_id,
                    exc.message,
                )
                continue
        else:
            delivered += 1
            log.info(
                "round %d of %s: its decision was sent again", decision.round, issue.workflow_id
            )
        await mark_signalled(session, decision)
    return delivered


async def steer_issue(client: Client, issue: Issue, action: str) -> None:
    """Pause, resume or cancel (outside an approval round) the issue's run."""
    if Phase(issue.phase).is_final:
        raise Conflict(f"issue #{issue.number}'s run has ended (phase: {issue.phase})")
    await _handle(client, issue).signal(action)


async def checks_changed(client: Client, issue: Issue) -> bool:
    """Wake the run to read its pull request's CI again; False when it has ended."""
    try:
        await _handle(client, issue).signal(IssueWorkflow.checks_changed)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise ServiceUnavailable(f"the check event could not reach the run: {exc.message}") from exc
    return True


async def start_queued_runs(
    client: Client, settings: Settings, db: Database, stored_before: datetime | None = None
) -> int:
    """Start the runs of issues stored while Temporal was unreachable; returns how many."""
    started = 0
    async with db.sessions() as session:
        for issue, project in await queued_issues(session, stored_before):
            try:
                await start_issue_run(client, settings, project, issue)
                started += 1
            except Conflict:
                continue
    return started


async def keep_starting_queued_runs(
    client: Client, settings: Settings, db: Database, every_s: float
) -> None:
    """Every `every_s`, start the runs of issues saved while Temporal could not be
    reached (the 201 said the run starts by itself), until cancelled: Temporal may come
    back, or may be reachable from this worker and not from the API that saved them.

    Only issues older than one round: a younger one may be the API's own, whose start is
    under way; starting it here first would make that start a conflict.
    """
    while True:
        await asyncio.sleep(every_s)
        try:
            started = await start_queued_runs(
                client, settings, db, stored_before=utcnow() - timedelta(seconds=every_s)
            )
        except ServiceUnavailable as exc:  # Temporal is away from this worker too
            log.info("queued runs wait for Temporal: %s", exc.message)
            continue
        except Exception:
            log.exception("could not start queued runs; trying again in %.0fs", every_s)
            continue
        if started:
            log.info("started %d queued run(s)", started)
