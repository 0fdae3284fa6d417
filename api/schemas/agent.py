from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.ids import RowId

RoleName = Literal["orchestrator", "architect", "coder", "tester", "reviewer"]


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: RowId
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    role: RoleName
    model: str | None = Field(default=None, min_length=1, max_length=200)
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=4096, ge=16, le=200_000)
    rules: str = Field(default="", max_length=50_000)
    budget_share_pct: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Share of the project's daily budget; refused when the project's agents "
        "would pass 100% together (the agent is then not created).",
    )


class AgentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, min_length=1, max_length=200)
    fallback_model: str | None = Field(
        default=None,
        max_length=200,
        description="Model a step switches to after repeated provider failures; '' removes it.",
    )
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=16, le=200_000)
    rules: str | None = Field(default=None, max_length=50_000)
    budget_share_pct: float | None = Field(
        default=None, ge=0, le=100, description="The agent's share of its project's budget."
    )


class AgentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    role: RoleName
    model: str
    fallback_model: str | None = None
    temperature: float
    max_tokens: int
    rules: str
    status: Literal["idle", "working", "error"]
    current_task: str | None
    budget_share_pct: float | None = Field(
        default=None, description="Share of the project's daily budget (unset: no own cap)."
    )
    spent_today_usd: float = Field(
        default=0, description="What its LLM calls cost this budget day."
    )
    status_reason: str | None = Field(
        default=None, description="Why it is in its status, in a sentence (None when idle)."
    )
    created_at: datetime


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(min_length=1, max_length=50_000)
    title: str | None = Field(default=None, max_length=300)


class RunOut(BaseModel):
    run_id: str
    conversation_id: int
    branch: str
    temporal_url: str
