"""What an agent run takes, returns, is sent and shows: plain data.

Apart from the workflow so that the sandbox passes it through: Temporal runs each
workflow on a fresh import of its module, and building these dataclasses again at
every agent run's start was most of that import (figures: bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class AgentRunInput:
    run_id: str
    project_id: int
    agent_id: int
    branch: str
    base: str
    task: str
    title: str
    issue_number: int | None = None
    diff_base: str | None = None
    max_steps: int = 40
    steps_per_history: int = 25
    # Carried over by continue-as-new.
    start_step: int = 0
    conversation_id: int | None = None
    artifacts: dict[str, Any] = field(default_factory=dict)
    # Whether the conversation shows the run paused (a resume may not be shown yet).
    shown_paused: bool = False


@dataclass
class AgentRunResult:
    outcome: str  # done | blocked | failed | needs_attention | cancelled
    summary: str
    steps: int
    conversation_id: int
    artifacts: dict[str, Any] = field(default_factory=dict)


@dataclass
class UserMessage:
    message_id: int


@dataclass
class ChildBlocked:
    """Sent to the parent run when the budget or an emergency pause holds this one."""

    reason: str | None  # "BudgetExceeded" | "SystemPaused" | None when it goes on again


@dataclass
class AgentRunStatus:
    step: int
    paused: bool
    waiting_for: str | None
    conversation_id: int | None
    outcome: str | None
