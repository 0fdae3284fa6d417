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
    created_at: datetime
