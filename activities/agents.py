"""Activities of an agent run: thin wrappers over `mcc.agents.steps`.

Budget and pause refusals are not retried by Temporal (the workflow waits and
tries the same step again later); `activities.errors` maps every domain error.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from temporalio import activity
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.errors import application_error, domain_errors
from activities.heartbeat import heartbeating
from mcc.agents.inbox import WAKE, inbox_run
from mcc.agents.steps import AgentSteps, RunScope, StepReply, ToolReply
from mcc.conversations import open_conversation
from mcc.errors import MccError
from mcc.runtime import Runtime


@dataclass(frozen=True)
class OpenRun:
    run_id: str
    project_id: int
    agent_id: int
    title: str


@dataclass(frozen=True)
class StartRun:
    scope: RunScope
    task: str
    title: str


@dataclass(frozen=True)
class StepInput:
    scope: RunScope
    step: int


@dataclass(frozen=True)
class ToolInput:
    scope: RunScope
    step: int
    index: int


@dataclass(frozen=True)
class EndRun:
    scope: RunScope
    outcome: str
    summary: str


async def wake_agent(runtime: Runtime, wake: dict[str, Any]) -> str:
    """Start the short run in which an idle agent answers (once: its id is the message's);
    from inside an activity. Returns the run's id."""
    run = await inbox_run(runtime.db, wake, runtime.settings.agent_inbox_max_steps)
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await activity.client().start_workflow(
            "AgentRunWorkflow",
            run.params,
            id=run.run_id,
            task_queue=activity.info().task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    return run.run_id


class AgentActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.steps = AgentSteps(runtime)

    @activity.defn(name="open_run_conversation")
    async def open_run_conversation(self, params: OpenRun) -> int:
        async with self.runtime.db.sessions() as session:
            conversation = await open_conversation(
                session,
                project_id=params.project_id,
                agent_id=params.agent_id,
                kind="task",
                title=params.title,
                run_id=params.run_id,
                events=self.runtime.events,
            )
            return conversation.id

    @activity.defn(name="start_agent_run")
    @domain_errors
    async def start_agent_run(self, params: StartRun) -> None:
        await heartbeating(self.steps.start(params.scope, params.task, params.title))

    @activity.defn(name="llm_step")
    async def llm_step(self, params: StepInput) -> StepReply:
        auto_pause = self.runtime.auto_pause
        try:
            attempt = activity.info().attempt
            reply = await heartbeating(self.steps.llm_step(params.scope, params.step, attempt))
        except MccError as exc:
            owner_id = await auto_pause.owner_of(params.scope.project_id)
            if owner_id is not None:
                await auto_pause.after_error(owner_id, exc)
            raise application_error(exc) from exc
        owner_id = await auto_pause.owner_of(params.scope.project_id)
        if owner_id is not None:
            await auto_pause.after_spend(owner_id)
        return reply

    @activity.defn(name="run_tool")
    @domain_errors
    async def run_tool(self, params: ToolInput) -> ToolReply:
        reply = await heartbeating(self.steps.run_tool(params.scope, params.step, params.index))
        wake = reply.artifact.pop(WAKE, None)
        if wake is not None:
            await self._wake(wake)
        return reply

    async def _wake(self, wake: dict[str, Any]) -> None:
        await wake_agent(self.runtime, wake)

    @activity.defn(name="end_agent_run")
    async def end_agent_run(self, params: EndRun) -> None:
        await self.steps.end(params.scope, params.outcome, params.summary)
