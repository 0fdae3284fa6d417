"""OrchestratorWorkflow: the person's assistant, one per person (`orchestrator/{user_id}`).

It waits for the person's messages (signal `user_message`) and answers each in a
turn: LLM step, its tool calls, again, until the model answers in words. Turns
are numbered across continue-as-new, and every step's key is the workflow id,
the turn and the step: a retried or replayed step is never paid twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.errors import WAITABLE
    from activities.orchestrator import (
        OrchestratorActivities,
        OrchestratorNote,
        OrchestratorStep,
        OrchestratorTool,
    )

    # Imported here (not only through activities.orchestrator) so that the sandbox knows
    # these modules when it decodes the activities' results into their dataclasses.
    from mcc.agents.steps import StepReply, ToolReply
    from mcc.orchestrator.steps import OrchestratorScope
    from workflows.orchestrator_payloads import (
        OrchestratorInput,
        OrchestratorMessage,
        OrchestratorStatus,
    )

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=8,
)
LLM_TIMEOUT = timedelta(minutes=10)
TOOL_TIMEOUT = timedelta(minutes=5)
QUICK_TIMEOUT = timedelta(seconds=60)
HEARTBEAT = timedelta(seconds=10)
BLOCKED_RETRY = timedelta(seconds=15)


@workflow.defn(name="OrchestratorWorkflow")
class OrchestratorWorkflow:
    def __init__(self) -> None:
        self._pending: list[int] = []
        self._turn = 0
        self._busy = False
        self._waiting_for: str | None = None
        self._conversation_id: int | None = None
        self._tools_run = 0  # in this run (since the last continue-as-new)
        self._tool_errors = 0

    @workflow.run
    async def run(self, params: OrchestratorInput) -> None:
        conversation_id = params.conversation_id
        if conversation_id is None:
            conversation_id = await workflow.execute_activity_method(
                OrchestratorActivities.open_orchestrator,
                params.user_id,
                start_to_close_timeout=QUICK_TIMEOUT,
                retry_policy=RETRY,
            )
        self._conversation_id = conversation_id
        self._pending = [*params.pending, *self._pending]
        self._turn = params.turn
        while True:
            await workflow.wait_condition(lambda: bool(self._pending))
            # Every message since the last answer is in the conversation: one turn reads all.
            self._pending.clear()
            self._turn += 1
            scope = OrchestratorScope(
                run_id=workflow.info().workflow_id,
                user_id=params.user_id,
                conversation_id=conversation_id,
                turn=self._turn,
            )
            self._busy = True
            await self._answer(scope, params.max_steps)
            self._busy = False
            if self._turn - params.turn >= params.turns_per_history and not self._pending:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    replace(params, conversation_id=conversation_id, turn=self._turn, pending=[])
                )

    async def _answer(self, scope: OrchestratorScope, max_steps: int) -> None:
        step = 0
        while step < max_steps:
            try:
                reply: StepReply = await workflow.execute_activity_method(
                    OrchestratorActivities.llm_step,
                    OrchestratorStep(scope, step),
                    start_to_close_timeout=LLM_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT,
                    retry_policy=RETRY,
                )
            except ActivityError as err:
                kind = err.cause.type if isinstance(err.cause, ApplicationError) else None
                if kind in WAITABLE:
                    await self._wait_blocked(scope, kind or "", step)
                    continue
                await self._note(scope, "failed", f"I could not answer: {_why(err)}")
                return
            self._waiting_for = None
            if not reply.tool_calls:
                return  # answered in words: the turn is over
            for index in range(len(reply.tool_calls)):
                try:
                    tool: ToolReply = await workflow.execute_activity_method(
                        OrchestratorActivities.run_tool,
                        OrchestratorTool(scope, step, index),
                        start_to_close_timeout=TOOL_TIMEOUT,
                        heartbeat_timeout=HEARTBEAT,
                        retry_policy=RETRY,
                    )
                except ActivityError as err:
                    await self._note(scope, "failed", f"A tool failed: {_why(err)}")
                    return
                self._tools_run += 1
                if tool.error:
                    self._tool_errors += 1
            step += 1
        await self._note(scope, "steps", f"I stopped after {max_steps} steps without an answer.")

    async def _wait_blocked(self, scope: OrchestratorScope, kind: str, step: int) -> None:
        """Budget or emergency pause: say so once, then try the step again now and then."""
        if self._waiting_for != kind:
            why = (
                "the emergency pause is on; I answer once it is lifted"
                if kind == "SystemPaused"
                else "the budget is spent for today; I answer once it allows"
            )
            await self._note(scope, f"blocked/{step}/{kind}", f"Waiting: {why}.")
        self._waiting_for = kind
        with contextlib.suppress(asyncio.TimeoutError):
            await workflow.wait_condition(lambda: bool(self._pending), timeout=BLOCKED_RETRY)

    async def _note(self, scope: OrchestratorScope, what: str, content: str) -> None:
        await workflow.execute_activity_method(
            OrchestratorActivities.note,
            OrchestratorNote(scope, f"{scope.run_id}/turn/{scope.turn}/note/{what}", content),
            start_to_close_timeout=QUICK_TIMEOUT,
            retry_policy=RETRY,
        )

    @workflow.signal
    def user_message(self, message: OrchestratorMessage) -> None:
        self._pending.append(message.message_id)

    @workflow.query
    def status(self) -> OrchestratorStatus:
        return OrchestratorStatus(
            turn=self._turn,
            busy=self._busy,
            pending=len(self._pending),
            waiting_for=self._waiting_for,
            conversation_id=self._conversation_id,
            tools_run=self._tools_run,
            tool_errors=self._tool_errors,
        )


def _why(err: ActivityError) -> str:
    cause = err.cause
    return cause.message if isinstance(cause, ApplicationError) else str(cause or err)
