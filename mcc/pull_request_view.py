"""A pull request as the person sees it: in the API's answers and in the `task_progress`
events that move it, defined once so both say the same."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from mcc.models.pull_request import PullRequest


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


def pull_out(pr: PullRequest, issue_number: int) -> PullRequestOut:
    return PullRequestOut(
        number=pr.number,
        issue_number=issue_number,
        title=pr.title,
        state=pr.state,
        head_branch=pr.head_branch,
        base_branch=pr.base_branch,
        base_sha=pr.base_sha,
        head_sha=pr.head_sha,
        merge_sha=pr.merge_sha,
        ci_state=pr.ci_state,
        ci_summary=pr.ci_summary,
        created_at=pr.created_at,
    )
