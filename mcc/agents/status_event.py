"""The `agent_status` event, one shape whoever sends it: a run's steps (it started or
ended) and the pause of a run (the agent is still on its task, but held)."""

from __future__ import annotations

from dataclasses import dataclass

from mcc.agents.overview import status_reason
from mcc.events import EventSink, project_room


@dataclass(frozen=True)
class AgentStatus:
    agent_id: int
    name: str
    project_id: int
    conversation_id: int
    status: str
    task: str | None
    outcome: str | None = None
    summary: str | None = None
    paused: bool = False


async def emit_agent_status(events: EventSink, change: AgentStatus) -> None:
    """`agent_status` to the project's room, with the run's conversation (and how it ended)
    so lists update in place, and the reason the agents page shows."""
    reason = status_reason(
        change.status, change.task, change.outcome, change.summary, paused=change.paused
    )
    await events.emit(
        "agent_status",
        {
            "agent_id": change.agent_id,
            "name": change.name,
            "status": change.status,
            "current_task": change.task,
            "project_id": change.project_id,
            "conversation_id": change.conversation_id,
            "outcome": change.outcome,
            "reason": reason,
            "paused": change.paused and change.status == "working",
        },
        project_room(change.project_id),
    )
