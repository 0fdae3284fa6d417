"""Activities of an agent run: thin wrappers over `mcc.agents.steps`.

Budget and pause refusals are not retried by Temporal (the workflow waits and
tries the same step again later); `activities.errors` maps every domain error.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import activity

from activities.errors import domain_errors
from activities.heartbeat import heartbeating
from mcc.agents.steps import AgentSteps, RunScope, StepReply, ToolReply
from mcc.conversations import open_conversation
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
            )
            return conversation.id

    @activity.defn(name="start_agent_run")
    @domain_errors
    async def start_agent_run(self, params: StartRun) -> None:
        await heartbeating(self.steps.start(params.scope, params.task, params.title))

    @activity.defn(name="llm_step")
    @domain_errors
    async def llm_step(self, params: StepInput) -> StepReply:
        return await heartbeating(self.steps.llm_step(params.scope, params.step))

    @activity.defn(name="run_tool")
    @domain_errors
    async def run_tool(self, params: ToolInput) -> ToolReply:
        return await heartbeating(self.steps.run_tool(params.scope, params.step, params.index))

    @activity.defn(name="end_agent_run")
    async def end_agent_run(self, params: EndRun) -> None:
        await self.steps.end(params.scope, params.outcome, params.summary)
