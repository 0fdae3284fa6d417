from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from api.schemas.ids import RowId

# Money is exact (Decimal) inside; JSON carries it as a number, which is what charts want.
Usd = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Percent = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

DailyUsd = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=10)]
SharePct = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]
AgentName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]


class GlobalLimitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["global"]
    daily_usd: DailyUsd = Field(description="What all LLM calls together may cost per day.")


class ProjectLimitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["project"]
    project_id: RowId
    share_pct: SharePct = Field(description="The project's share of the global limit, in %.")


class AgentLimitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["agent"]
    project_id: RowId
    agent_name: AgentName
    share_pct: SharePct = Field(description="The agent's share of its project's limit, in %.")


LimitCreate = Annotated[
    GlobalLimitCreate | ProjectLimitCreate | AgentLimitCreate, Field(discriminator="scope")
]


class LimitUpdate(BaseModel):
    """The new amount (global) or share (project, agent) of a limit."""

    model_config = ConfigDict(extra="forbid")

    daily_usd: DailyUsd | None = None
    share_pct: SharePct | None = None

    @model_validator(mode="after")
    def _one_of(self) -> LimitUpdate:
        if (self.daily_usd is None) == (self.share_pct is None):
            raise ValueError("give either daily_usd (global limit) or share_pct (project, agent)")
        return self


class LimitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scope: Literal["global", "project", "agent"]
    project_id: int | None
    agent_name: str | None
    daily_usd: Usd | None
    share_pct: Percent | None
    limit_usd: Usd | None = Field(description="What this level may spend per day, as set now.")
    created_at: datetime
    updated_at: datetime


class LevelSpendOut(BaseModel):
    scope: Literal["global", "project", "agent"]
    project_id: int | None
    project_name: str | None
    agent: str | None
    spent_usd: Usd
    reserved_usd: Usd = Field(description="Held for calls in flight.")
    limit_usd: Usd | None = Field(description="None: bounded only by the levels above.")
    percent: float | None = Field(description="spent / limit, in %.")


class SpendOut(BaseModel):
    cost_usd: Usd
    tokens_in: int
    tokens_out: int
    calls: int


class DaySpendOut(SpendOut):
    day: date


class ProjectSpendOut(SpendOut):
    project_id: int | None
    project_name: str | None


class AgentSpendOut(SpendOut):
    project_id: int | None
    agent_name: str
    agent_type: str


class ModelSpendOut(SpendOut):
    model: str


class BudgetSummaryOut(BaseModel):
    day: date = Field(description="Today, in the budget time zone.")
    timezone: str
    paused: bool
    levels: list[LevelSpendOut] = Field(description="Today's spend and limit of each level.")
    start: date
    end: date
    total: SpendOut
    by_day: list[DaySpendOut]
    by_project: list[ProjectSpendOut]
    by_agent: list[AgentSpendOut]
    by_model: list[ModelSpendOut]


# Exact money as a decimal string ("0.0450000000"): the trend divides small sums, and a
# float would print $0.045 as 0.045000000000000005.
UsdString = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]


class TrendDayOut(BaseModel):
    day: date
    merged_prs: int = Field(description="Pull requests merged on this budget day.")
    spend_usd: UsdString = Field(description="What the LLM calls cost on this day.")
    cost_per_merged_pr_usd: UsdString | None = Field(
        description="spend / merged pull requests of the day; null without a merge."
    )
    window_cost_per_merged_pr_usd: UsdString | None = Field(
        description="The same over the 7 days up to this one (smoother); null without a merge."
    )


class CostTrendOut(BaseModel):
    start: date
    end: date
    timezone: str
    days: list[TrendDayOut]
    merged_prs: int
    spend_usd: UsdString
    cost_per_merged_pr_usd: UsdString | None
