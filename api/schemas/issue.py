from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.pull import PullRequestOut
from api.schemas.text import FreeText


class IssueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: FreeText = Field(min_length=1, max_length=300)
    body: FreeText = Field(default="", max_length=100_000)


_ROUND = "The approval round decided on, as `GET .../issues/{n}` showed it."
_HEAD = "The head commit shown with that round (null where the round shows none)."


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    round: int = Field(ge=1, le=2_147_483_647, description=_ROUND)
    head: str | None = Field(max_length=64, description=_HEAD)


class RejectIn(ApproveIn):
    feedback: FreeText = Field(default="", max_length=20_000)


class SteerIn(BaseModel):
    """retry or cancel: the open round unless one is named."""

    model_config = ConfigDict(extra="forbid")

    round: int | None = Field(default=None, ge=1, le=2_147_483_647, description=_ROUND)
    head: str | None = Field(default=None, max_length=64, description=_HEAD)


class DecisionOut(BaseModel):
    round: int
    kind: Literal["approve", "reject", "retry", "cancel"]
    feedback: str
    head: str | None
    decided_at: datetime


class TestReportOut(BaseModel):
    command: str | None
    passed: bool
    exit_code: int | None
    output: str


class IssueOut(BaseModel):
    project_id: int
    number: int
    title: str
    body: str
    phase: str
    state: Literal["open", "closed"]
    workflow_id: str
    temporal_url: str
    pull_request: PullRequestOut | None
    error: str | None = None
    gate: str | None = Field(
        default=None, description="What the open round decides: spec | merge | attention."
    )
    round: int = Field(default=0, description="The latest approval round (0: none yet).")
    head: str | None = Field(default=None, description="The head commit that round is about.")
    decision: DecisionOut | None = Field(
        default=None, description="The decision taken on that round, once one is."
    )
    agents_at_work: list[str] = Field(default_factory=list)
    test_loops: int = 0
    review_loops: int = 0
    rejections: int = 0
    spec: str | None = None
    test_report: TestReportOut | None = None
    review: str | None = None
    review_verdict: Literal["approve", "changes"] | None = Field(
        default=None, description="The latest review's verdict (null before the first review)."
    )
    conversation_id: int | None = None
    tokens: int = 0
    cost_usd: float = 0.0
    spend_usd: Decimal = Field(
        default=Decimal(0),
        description="What the issue's LLM calls cost, exact (a decimal string).",
    )
    created_at: datetime


class IssueCreatedOut(IssueOut):
    """The new issue, and whether its run has started."""

    run_started: bool = Field(
        description="False when Temporal could not be reached: the issue is saved (phase"
        " queued) and a worker starts its run once it reaches Temporal. Filing it again"
        " would make a second issue."
    )
    notice: str | None = Field(
        default=None, description="A sentence for the person when the run has not started."
    )
