"""What the orchestrator's run takes, is sent and shows: plain data (see agent_run_payloads)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OrchestratorInput:
    user_id: int
    max_steps: int = 12  # LLM steps to answer one message
    turns_per_history: int = 20  # answered messages before continue-as-new
    # Carried over by continue-as-new.
    conversation_id: int | None = None
    turn: int = 0
    pending: list[int] = field(default_factory=list)


@dataclass
class OrchestratorMessage:
    """The person wrote (the message is already in the conversation). The same shape as
    an agent run's `user_message`, so posting in the conversation signals it alike."""

    message_id: int


@dataclass
class OrchestratorStatus:
    turn: int
    busy: bool
    pending: int
    waiting_for: str | None
    conversation_id: int | None
    tools_run: int = 0
    tool_errors: int = 0
