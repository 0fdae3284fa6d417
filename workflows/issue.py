"""IssueWorkflow: one issue's way from a new issue to a merge (or a rejection).

Deterministic orchestration only: every read and write happens in an activity,
and the workflow carries ids and small results. Until the agents exist the
planning step commits the issue text as the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.forge import ForgeActivities
    from activities.git import GitActivities
    from activities.payloads import IssueRef, PhaseChange
    from activities.store import StoreActivities
    from mcc.phases import PERCENT, Phase
    from workflows.search_attributes import MCC_ISSUE, MCC_PHASE, MCC_PROJECT


@dataclass
class IssueRunInput:
    project_id: int
    project_slug: str
    issue_number: int


@dataclass
class IssueRunResult:
    phase: str
    pull_number: int | None = None
    merge_sha: str | None = None


@dataclass
class RejectInput:
    feedback: str = ""


@dataclass
class IssueStatus:
    phase: str
    percent: int
    pull_number: int | None = None
    merge_sha: str | None = None
    feedback: str | None = None
    error: str | None = None


STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
)
QUICK_TIMEOUT = timedelta(seconds=30)
# Git steps heartbeat, so a dead worker's attempt is retried within seconds.
GIT_TIMEOUT = timedelta(minutes=5)
GIT_HEARTBEAT = timedelta(seconds=5)

ACCEPTS_DECISION = {Phase.AWAITING_APPROVAL, Phase.NEEDS_ATTENTION}


@workflow.defn(name="IssueWorkflow")
class IssueWorkflow:
    def __init__(self) -> None:
        self._phase = Phase.QUEUED
        self._percent = 0
        self._decision: str | None = None
        self._feedback: str | None = None
        self._pull_number: int | None = None
        self._merge_sha: str | None = None
        self._error: str | None = None

    @workflow.run
    async def run(self, params: IssueRunInput) -> IssueRunResult:
        ref = IssueRef(params.project_id, params.issue_number, workflow.info().workflow_id)
        workflow.upsert_search_attributes(
            [MCC_PROJECT.value_set(params.project_slug), MCC_ISSUE.value_set(params.issue_number)]
        )
        await self._enter(ref, Phase.PLANNING)
        await workflow.execute_activity_method(
            GitActivities.commit_issue_spec,
            ref,
            start_to_close_timeout=GIT_TIMEOUT,
            heartbeat_timeout=GIT_HEARTBEAT,
            retry_policy=STEP_RETRY,
        )

        await self._enter(ref, Phase.PULL_REQUEST)
        pull = await workflow.execute_activity_method(
            ForgeActivities.open_pull_request,
            ref,
            start_to_close_timeout=QUICK_TIMEOUT,
            retry_policy=STEP_RETRY,
        )
        self._pull_number = pull.number

        await self._enter(ref, Phase.AWAITING_APPROVAL)
        while True:
            await workflow.wait_condition(lambda: self._decision is not None)
            decision, self._decision = self._decision, None
            if decision == "reject":
                await workflow.execute_activity_method(
                    ForgeActivities.close_pull_request,
                    ref,
                    start_to_close_timeout=QUICK_TIMEOUT,
                    retry_policy=STEP_RETRY,
                )
                await self._enter(ref, Phase.REJECTED)
                return IssueRunResult(Phase.REJECTED, self._pull_number)
            await self._enter(ref, Phase.MERGING)
            try:
                merged = await workflow.execute_activity_method(
                    ForgeActivities.merge_pull_request,
                    ref,
                    start_to_close_timeout=GIT_TIMEOUT,
                    heartbeat_timeout=GIT_HEARTBEAT,
                    retry_policy=STEP_RETRY,
                )
            except ActivityError as err:
                # A conflict or exhausted retries: the person decides (approve retries).
                cause = err.cause
                self._error = cause.message if isinstance(cause, ApplicationError) else str(err)
                await self._enter(ref, Phase.NEEDS_ATTENTION)
                continue
            self._merge_sha, self._error = merged.merge_sha, None
            await self._enter(ref, Phase.DONE)
            return IssueRunResult(Phase.DONE, self._pull_number, self._merge_sha)

    async def _enter(self, ref: IssueRef, phase: Phase) -> None:
        self._phase = phase
        self._percent = PERCENT.get(phase, self._percent)
        workflow.upsert_search_attributes([MCC_PHASE.value_set(phase.value)])
        await workflow.execute_activity_method(
            StoreActivities.record_phase,
            PhaseChange(ref, phase.value, self._percent),
            start_to_close_timeout=QUICK_TIMEOUT,
            retry_policy=STEP_RETRY,
        )

    @workflow.signal
    def approve(self) -> None:
        if self._phase in ACCEPTS_DECISION:
            self._decision = "approve"
        else:
            workflow.logger.warning("approve ignored in phase %s", self._phase)

    @workflow.signal
    def reject(self, params: RejectInput) -> None:
        if self._phase in ACCEPTS_DECISION:
            self._decision, self._feedback = "reject", params.feedback
        else:
            workflow.logger.warning("reject ignored in phase %s", self._phase)

    @workflow.query
    def status(self) -> IssueStatus:
        return IssueStatus(
            phase=self._phase.value,
            percent=self._percent,
            pull_number=self._pull_number,
            merge_sha=self._merge_sha,
            feedback=self._feedback,
            error=self._error,
        )
