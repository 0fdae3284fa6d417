"""The realtime events' payloads, defined once: the server checks what it sends against
these models, and the front end's TypeScript types are generated from their JSON
schema (published among the OpenAPI components, like the REST types).

Numbered events also carry `room`, `epoch` and `seq` (see `mcc.event_log`); the
catch-up answers of `join_*` and `sync` are `RoomCatchUp`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mcc.phases import Phase
from mcc.pull_request_view import PullRequestOut


class _Event(BaseModel):
    # Extra keys are refused: a field added on one side only is a test failure, not drift.
    model_config = ConfigDict(extra="forbid")


class TaskProgressEvent(_Event):
    """`task_progress` (project room): an issue's run changed phase, or an agent took a step."""

    task_id: str  # the run's workflow id
    percent: int
    status: Phase
    project_id: int
    issue_number: int
    agent: str | None = None  # set on an agent's step (the phase did not change)
    step: int | None = None
    # A total, not the step's cost: a replayed or doubled event cannot count a step twice.
    spend_usd: str | None = Field(
        default=None,
        pattern=r"^\d+(\.\d+)?$",
        description="Set on an agent's step, once its LLM call is charged: what the issue's "
        "calls cost so far, exact (a decimal string, like IssueOut.spend_usd).",
    )
    tokens: int | None = Field(
        default=None,
        ge=0,
        description="Set with spend_usd, from the same count: the issue's tokens so far "
        "(in + out, like IssueOut.tokens).",
    )
    pull_request: PullRequestOut | None = Field(
        default=None,
        description="Set on a phase change once the issue has a pull request: it as it is "
        "now (opened, its head, merged or closed), so no client fetches it again.",
    )


class AgentStatusEvent(_Event):
    """`agent_status` (project room): a run started (`working`) or ended (`idle` / `error`)."""

    agent_id: int
    name: str
    status: Literal["idle", "working", "error"]
    current_task: str | None
    project_id: int
    conversation_id: int
    outcome: str | None = None
    reason: str | None = None  # why it is in this status, as AgentOut.status_reason says
    paused: bool = False  # working, but the person paused its run, as AgentOut.paused says


class AgentRemovedEvent(_Event):
    """`agent_removed` (project room): an agent was deleted (`agent`, its REST item, on create/edit)."""

    agent_id: int
    project_id: int


class ProjectRemovedEvent(_Event):
    """`project_removed` (user room): a project was deleted (`project`, its REST item, on create/edit)."""

    project_id: int


class ToolCallPayload(_Event):
    """A tool call as stored on an assistant message (`arguments` is a JSON string)."""

    id: str
    name: str
    arguments: str


class MessageEvent(_Event):
    """`message` (conversation room): a message was stored."""

    id: int
    conversation_id: int
    content: str
    author: str
    role: str
    timestamp: str
    tokens: int
    cost: float
    tool_calls: list[ToolCallPayload] | None
    reply_to: int | None = None


class MessageDeltaEvent(_Event):
    """`message_delta` (conversation room, not numbered): the answer of `step`, token by token."""

    conversation_id: int
    step: int
    delta: str
    author: str


class BudgetAlertEvent(_Event):
    """`budget_alert` (user room): a budget level reached 80% or 100% of its daily limit."""

    level: Literal["warning", "critical"]
    current: float
    limit: float
    scope: Literal["global", "project", "agent"]
    project_id: int | None
    agent: str | None
    day: str  # the budget day, YYYY-MM-DD
    reason: Literal["threshold", "call_refused"]


class SystemStateEvent(_Event):
    """`system_state` (user room): the emergency pause was turned on or off."""

    paused: bool
    since: str | None
    reason: str | None


class NotificationEvent(_Event):
    """`notification` (user room): something to tell the person (stored, like the REST item)."""

    id: int
    kind: str
    level: str
    title: str
    message: str
    link: str | None
    urgent: bool
    payload: dict[str, Any]
    created_at: str
    read_at: str | None


class NotificationsReadEvent(_Event):
    """`notifications_read` (user room): notifications were marked read in one of the tabs."""

    ids: list[int] | None = Field(
        description="The notifications marked read; null: every one that was unread."
    )
    read_at: str
    unread: int = Field(ge=0, description="How many are unread now (a total, not a delta).")


class CaughtUpEvent(BaseModel):
    """One event of a catch-up: its name and its payload (with room, epoch and seq)."""

    event: str
    data: dict[str, Any]


class RoomCatchUp(BaseModel):
    """What a socket missed in a room since the number it named, or `resync: true`."""

    room: str
    epoch: str
    seq: int  # the room's latest number
    resync: bool
    events: list[CaughtUpEvent]


# The events the core emits, by name (`project`, `conversation` and `agent` are REST items).
EVENT_PAYLOADS: dict[str, type[BaseModel]] = {
    "task_progress": TaskProgressEvent,
    "agent_status": AgentStatusEvent,
    "agent_removed": AgentRemovedEvent,
    "project_removed": ProjectRemovedEvent,
    "message": MessageEvent,
    "message_delta": MessageDeltaEvent,
    "budget_alert": BudgetAlertEvent,
    "system_state": SystemStateEvent,
    "notification": NotificationEvent,
    "notifications_read": NotificationsReadEvent,
}

SCHEMA_MODELS: tuple[type[BaseModel], ...] = (*EVENT_PAYLOADS.values(), RoomCatchUp)


def checked(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The payload of `event` as its model has it (raises ValidationError when it does not fit)."""
    model = EVENT_PAYLOADS.get(event)
    if model is None:
        return data
    return model.model_validate(data).model_dump(mode="json", exclude_unset=True)
