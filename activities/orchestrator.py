"""Activities of the person's orchestrator: thin wrappers over `mcc.orchestrator.steps`.

`TemporalRunControl` binds the orchestrator's run tools to the functions the REST
endpoints call (`api.runs`), so a run started, paused or cancelled by the
orchestrator goes through exactly what the dashboard's buttons go through.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from temporalio import activity
from temporalio.client import Client

from activities.agents import wake_agent
from activities.errors import application_error
from activities.heartbeat import heartbeating
from api import runs
from api.held_runs import lift_pause_on_runs
from mcc.agents.steps import StepReply, ToolReply
from mcc.budget.store import BudgetStore
from mcc.conversations import NewMessage, post_message
from mcc.errors import MccError
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.notifications.pausing import switch_pause
from mcc.orchestrator.conversation import orchestrator_conversation
from mcc.orchestrator.steps import NAME, OrchestratorScope, OrchestratorSteps
from mcc.runtime import Runtime
from workflows.agent_run_payloads import UserMessage


@dataclass(frozen=True)
class OrchestratorStep:
    scope: OrchestratorScope
    step: int


@dataclass(frozen=True)
class OrchestratorTool:
    scope: OrchestratorScope
    step: int
    index: int


@dataclass(frozen=True)
class OrchestratorNote:
    """MCC's own line in the conversation (a turn that could not be answered), once per key."""

    scope: OrchestratorScope
    key: str
    content: str


class TemporalRunControl:
    """`RunControl` over this activity's Temporal client."""

    def __init__(self, runtime: Runtime, client: Client) -> None:
        self.runtime, self.client = runtime, client

    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int:
        return await self.runtime.forge.open_issue(project_id, title, body, origin_key)

    async def start_issue_run(self, project: Project, issue: Issue) -> None:
        await runs.start_issue_run(self.client, self.runtime.settings, project, issue)

    async def steer_issue(self, issue: Issue, action: str) -> None:
        await runs.steer_issue(self.client, issue, action)

    async def live_phase(self, issue: Issue) -> str | None:
        status = await runs.issue_status(self.client, issue)
        return status.phase if status is not None else None

    async def notify_run(self, run_id: str, message_id: int) -> None:
        # A run that just ended cannot be signalled; the message stays in its conversation.
        with contextlib.suppress(Exception):
            await self.client.get_workflow_handle(run_id).signal(
                "user_message", UserMessage(message_id)
            )

    async def wake_agent(self, wake: dict[str, Any]) -> str:
        return await wake_agent(self.runtime, wake)

    async def emergency_pause(self, owner_id: int, on: bool, reason: str | None) -> bool:
        state = await switch_pause(
            BudgetStore.of(self.runtime.db),
            self.runtime.events,
            self.runtime.notifications,
            owner_id,
            on,
            reason=reason,
        )
        if not state.paused:
            await lift_pause_on_runs(self.client, self.runtime.db, owner_id)
        return state.paused


class OrchestratorActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.steps = OrchestratorSteps(runtime)

    @activity.defn(name="open_orchestrator")
    async def open_orchestrator(self, user_id: int) -> int:
        async with self.runtime.db.sessions() as session:
            return (await orchestrator_conversation(session, user_id)).id

    @activity.defn(name="orchestrator_llm_step")
    async def llm_step(self, params: OrchestratorStep) -> StepReply:
        auto_pause, owner_id = self.runtime.auto_pause, params.scope.user_id
        try:
            reply = await heartbeating(self.steps.llm_step(params.scope, params.step))
        except MccError as exc:
            await auto_pause.after_error(owner_id, exc)
            raise application_error(exc) from exc
        await auto_pause.after_spend(owner_id)
        return reply

    @activity.defn(name="orchestrator_run_tool")
    async def run_tool(self, params: OrchestratorTool) -> ToolReply:
        control = TemporalRunControl(self.runtime, activity.client())
        try:
            return await heartbeating(
                self.steps.run_tool(params.scope, params.step, params.index, control)
            )
        except MccError as exc:
            raise application_error(exc) from exc

    @activity.defn(name="orchestrator_note")
    async def note(self, params: OrchestratorNote) -> None:
        async with self.runtime.db.sessions() as session:
            await post_message(
                session,
                self.runtime.events,
                NewMessage(
                    conversation_id=params.scope.conversation_id,
                    author=f"agent:{NAME}",
                    role="assistant",
                    content=params.content,
                    idempotency_key=params.key,
                    meta={"note": True},
                ),
            )
