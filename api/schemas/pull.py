from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class PullRequestOut(BaseModel):
    number: int
    issue_number: int
    title: str
    state: Literal["open", "merged", "closed"]
    head_branch: str
    base_branch: str
    base_sha: str
    head_sha: str | None
    merge_sha: str | None
    ci_state: str | None = Field(
        default=None,
        description="The repository's CI on the head, last read: none | ignored | pending"
        " | success | failure (null: not read yet).",
    )
    ci_summary: str | None = Field(default=None, description="That result in one line.")
    created_at: datetime


class DiffOut(BaseModel):
    number: int
    diff: str
