from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.schemas.ids import RowId
from api.schemas.text import FreeText
from mcc.agents.roles import NOT_A_PROJECT_ROLE, ROLE_IS_FIXED, Role

# Any stored agent's role (an earlier release let a project agent hold the orchestrator's).
RoleName = Literal["orchestrator", "architect", "coder", "tester", "reviewer"]
# What a project's agent may be given (mcc.agents.roles.PROJECT_ROLES): the one gate.
ProjectRoleName = Literal["architect", "coder", "tester", "reviewer"]


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: RowId
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    role: ProjectRoleName
    model: str | None = Field(default=None, min_length=1, max_length=200)
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=4096, ge=16, le=200_000)
    rules: FreeText = Field(default="", max_length=50_000)
    budget_share_pct: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Share of the project's daily budget; refused when the project's agents "
        "would pass 100% together (the agent is then not created).",
    )

    @field_validator("role", mode="before")
    @classmethod
    def _not_the_orchestrator(cls, value: object) -> object:
        # Said in a sentence, not as "should be 'architect', ...": the person meant something.
        if value == Role.ORCHESTRATOR.value:
            raise ValueError(NOT_A_PROJECT_ROLE)
        return value


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
    rules: FreeText | None = Field(default=None, max_length=50_000)
    budget_share_pct: float | None = Field(
        default=None, ge=0, le=100, description="The agent's share of its project's budget."
    )

    @model_validator(mode="before")
    @classmethod
    def _role_is_fixed(cls, data: object) -> object:
        # A sentence instead of "Extra inputs are not permitted": a role is not edited (a run's
        # tools and peers follow from it), and the orchestrator's is no project agent's at all.
        if isinstance(data, dict) and "role" in data:
            raise ValueError(
                NOT_A_PROJECT_ROLE if data["role"] == Role.ORCHESTRATOR.value else ROLE_IS_FIXED
            )
        return data


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
    paused: bool = Field(
        default=False,
        description="Working, but the person paused its run (on its conversation or issue): "
        "it keeps its task and takes no step until resumed. The emergency pause, which holds "
        "every agent, is the system state's.",
    )
    created_at: datetime


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: FreeText = Field(min_length=1, max_length=50_000)
    title: FreeText | None = Field(default=None, max_length=300)


class RunOut(BaseModel):
    run_id: str
    conversation_id: int
    branch: str
    temporal_url: str
