from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.pull import PullRequestOut


class IssueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=100_000)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feedback: str = Field(default="", max_length=20_000)


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
    gate: str | None = Field(default=None, description="What approval is awaited: spec | merge.")
    agents_at_work: list[str] = Field(default_factory=list)
    test_loops: int = 0
    review_loops: int = 0
    rejections: int = 0
    spec: str | None = None
    test_report: TestReportOut | None = None
    review: str | None = None
    conversation_id: int | None = None
    tokens: int = 0
    cost_usd: float = 0.0
    created_at: datetime
