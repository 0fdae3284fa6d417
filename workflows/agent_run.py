"""AgentRunWorkflow: one agent working one task, step by step, durably.

Step k is an `llm_step` activity, then one `run_tool` activity per tool call,
until the agent calls finish(outcome, summary) or reaches its step limit (then
it reports `needs_attention`, not a crash). Conversations live in the database;
the workflow carries ids and small results, and continues as new on long runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.agents import (
        AgentActivities,
        EndRun,
        OpenRun,
        StartRun,
        StepInput,
        ToolInput,
    )
    from activities.errors import WAITABLE
    from activities.payloads import RunPaused
    from activities.store import StoreActivities
    from mcc.agents.steps import RunScope
    from workflows.agent_run_payloads import (
        AgentRunInput,
        AgentRunResult,
        AgentRunStatus,
        ChildBlocked,
        UserMessage,
    )


RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=8,
)
LLM_TIMEOUT = timedelta(minutes=10)
TOOL_TIMEOUT = timedelta(minutes=15)
# Quick steps never need a heartbeat, but the timeout makes a dead worker's step
# retry within seconds instead of after the whole start-to-close timeout.
QUICK_HEARTBEAT = timedelta(seconds=10)
QUICK_TIMEOUT = timedelta(seconds=60)
HEARTBEAT = timedelta(seconds=10)
# How often a run blocked by the budget or an emergency pause tries its step again.
BLOCKED_RETRY = timedelta(seconds=15)
# Runs started before their conversation showed the person's pause never record it.
SHOW_PAUSE = "show-pause"


def merge_artifacts(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, list):
            into.setdefault(key, [])
            into[key] = [*into[key], *value]
        else:
            into[key] = value


@workflow.defn(name="AgentRunWorkflow")
class AgentRunWorkflow:
    def __init__(self) -> None:
        self._step = 0
        self._paused = False
        self._shown_paused = False  # what the conversation shows
        self._cancelled = False
        self._nudged = False
        # What held the run (the emergency pause, its budget) was lifted since its last
        # step got through.
        self._hold_lifted = False
        self._waiting_for: str | None = None
        self._conversation_id: int | None = None
        self._outcome: str | None = None
        self._user_messages: list[int] = []
        self._told_parent = False

    @workflow.run
    async def run(self, params: AgentRunInput) -> AgentRunResult:
        conversation_id = params.conversation_id
        if conversation_id is None:
            conversation_id = await workflow.execute_activity_method(
                AgentActivities.open_run_conversation,
                OpenRun(params.run_id, params.project_id, params.agent_id, params.title),
                start_to_close_timeout=QUICK_TIMEOUT,
                heartbeat_timeout=QUICK_HEARTBEAT,
                retry_policy=RETRY,
            )
        self._conversation_id = conversation_id
        self._shown_paused = params.shown_paused
        self._pause_keeper = asyncio.create_task(self._show_pause(params.run_id))
        scope = RunScope(
            run_id=params.run_id,
            project_id=params.project_id,
            agent_id=params.agent_id,
            conversation_id=conversation_id,
            branch=params.branch,
            base=params.base,
            issue_number=params.issue_number,
            diff_base=params.diff_base,
        )
        artifacts = dict(params.artifacts)
        if params.start_step == 0:
            await workflow.execute_activity_method(
                AgentActivities.start_agent_run,
                StartRun(scope, params.task, params.title),
                start_to_close_timeout=TOOL_TIMEOUT,
                heartbeat_timeout=HEARTBEAT,
                retry_policy=RETRY,
            )
        self._step = params.start_step
        while self._step < params.max_steps:
            await workflow.wait_condition(lambda: not self._paused or self._cancelled)
            if self._cancelled:
                return await self._end(scope, "cancelled", "cancelled by the person", artifacts)
            if self._step - params.start_step >= params.steps_per_history:
                workflow.continue_as_new(
                    replace(
                        params,
                        start_step=self._step,
                        conversation_id=conversation_id,
                        artifacts=artifacts,
                        shown_paused=self._shown_paused,
                    )
                )
            try:
                reply = await workflow.execute_activity_method(
                    AgentActivities.llm_step,
                    StepInput(scope, self._step),
                    start_to_close_timeout=LLM_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT,
                    retry_policy=RETRY,
                )
            except ActivityError as err:
                kind = err.cause.type if isinstance(err.cause, ApplicationError) else None
                if kind in WAITABLE:
                    await self._wait_blocked(kind or "")
                    continue
                return await self._end(scope, "needs_attention", _why(err), artifacts)
            self._hold_lifted = False
            if self._told_parent:
                await self._tell_parent(None)
            for index in range(len(reply.tool_calls)):
                try:
                    tool = await workflow.execute_activity_method(
                        AgentActivities.run_tool,
                        ToolInput(scope, self._step, index),
                        start_to_close_timeout=TOOL_TIMEOUT,
                        heartbeat_timeout=HEARTBEAT,
                        retry_policy=RETRY,
                    )
                except ActivityError as err:
                    return await self._end(scope, "needs_attention", _why(err), artifacts)
                merge_artifacts(artifacts, tool.artifact)
                if tool.finish:
                    outcome, summary = tool.finish
                    self._step += 1
                    return await self._end(scope, outcome, summary, artifacts)
            self._step += 1
        return await self._end(
            scope,
            "needs_attention",
            f"reached the step limit ({params.max_steps}) without finishing",
            artifacts,
        )

    async def _show_pause(self, run_id: str) -> None:
        """Show the person's pause and resume on the conversation, in order, one at a time:
        the signal handlers only record them."""
        while True:
            await workflow.wait_condition(lambda: self._paused != self._shown_paused)
            if not workflow.patched(SHOW_PAUSE):
                return
            paused = self._paused
            await workflow.execute_activity_method(
                StoreActivities.record_run_paused,
                RunPaused(run_id, paused),
                start_to_close_timeout=QUICK_TIMEOUT,
                heartbeat_timeout=QUICK_HEARTBEAT,
                retry_policy=RETRY,
            )
            self._shown_paused = paused

    async def _tell_parent(self, reason: str | None) -> None:
        parent = workflow.info().parent
        self._told_parent = reason is not None
        if parent is not None:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                "child_blocked", ChildBlocked(reason)
            )

    async def _wait_blocked(self, kind: str) -> None:
        self._waiting_for = kind  # first: a signal handled while the parent is told sees it
        if not self._told_parent:
            await self._tell_parent(kind)
        self._nudged = False
        # A resume, the person's message or its hold lifted nudges the run; otherwise it
        # tries again soon.
        with contextlib.suppress(asyncio.TimeoutError):
            await workflow.wait_condition(
                lambda: self._nudged or self._hold_lifted or self._cancelled,
                timeout=BLOCKED_RETRY,
            )
        self._waiting_for = None
        if self._hold_lifted:
            # What held the run is gone: its issue shows the phase it is in again now,
            # not once the step (a whole LLM call) is through.
            self._hold_lifted = False
            if self._told_parent:
                await self._tell_parent(None)

    async def _end(
        self, scope: RunScope, outcome: str, summary: str, artifacts: dict[str, Any]
    ) -> AgentRunResult:
        self._outcome = outcome
        await workflow.execute_activity_method(
            AgentActivities.end_agent_run,
            EndRun(scope, outcome, summary),
            start_to_close_timeout=QUICK_TIMEOUT,
            heartbeat_timeout=QUICK_HEARTBEAT,
            retry_policy=RETRY,
        )
        return AgentRunResult(outcome, summary, self._step, scope.conversation_id, artifacts)

    @workflow.signal
    def pause(self) -> None:
        self._paused = True

    @workflow.signal
    def resume(self) -> None:
        self._paused = False
        self._nudged = True

    @workflow.signal
    def pause_lifted(self) -> None:
        """The person lifted the emergency pause: a run it holds tries its step again now,
        not at its next retry (BLOCKED_RETRY later). Unlike `resume`, a run the person paused
        stays paused."""
        # Lifting the pause frees no run its budget holds. (A step under way may have been
        # refused before the lift: the flag waits for it, until a step gets through.)
        if self._waiting_for != "BudgetExceeded":
            self._hold_lifted = True

    @workflow.signal
    def budget_raised(self) -> None:
        """The person changed a budget limit: a run its budget holds tries its step again
        now, not BLOCKED_RETRY later (refused again if the limit still holds it)."""
        if self._waiting_for == "BudgetExceeded":
            self._hold_lifted = True

    @workflow.signal
    def cancel(self) -> None:
        self._cancelled = True

    @workflow.signal
    def user_message(self, message: UserMessage) -> None:
        # The message is already in the conversation; the next step reads it. A run
        # waiting on its budget or a pause tries again now.
        self._user_messages.append(message.message_id)
        self._nudged = True

    @workflow.query
    def status(self) -> AgentRunStatus:
        return AgentRunStatus(
            step=self._step,
            paused=self._paused,
            waiting_for=self._waiting_for,
            conversation_id=self._conversation_id,
            outcome=self._outcome,
        )


def _why(err: ActivityError) -> str:
    cause = err.cause
    message = cause.message if isinstance(cause, ApplicationError) else str(cause or err)
    if isinstance(cause, ApplicationError) and cause.type == "agent_stuck":
        return message  # "stuck: repeating <tool>", said by the loop guard (mcc.agents.loop_guard)
    return f"a step failed after its retries: {message}"
