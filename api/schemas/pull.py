from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


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
    created_at: datetime


class DiffOut(BaseModel):
    number: int
    diff: str
