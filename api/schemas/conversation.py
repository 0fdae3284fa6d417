from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.text import FreeText
from mcc.conversations import MAX_USER_MESSAGE


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int | None = Field(description="None for the person's orchestrator.")
    agent_id: int | None
    kind: str
    title: str
    run_id: str | None
    status: str
    paused: bool = Field(
        description="The person paused the run (here or on its issue): it starts no step "
        "until resumed. False once the run has finished."
    )
    outcome: str | None
    summary: str | None
    created_at: datetime


class MessageOut(BaseModel):
    id: int
    conversation_id: int
    author: str
    role: str
    content: str
    tool_calls: list[dict[str, Any]] | None
    tool_call_id: str | None
    tokens: int
    cost: float
    timestamp: datetime
    reply_to: int | None = None


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: FreeText = Field(min_length=1, max_length=MAX_USER_MESSAGE)
    reply_to: int | None = Field(default=None, ge=1, le=2_147_483_647)
