from __future__ import annotations

from pydantic import BaseModel

from mcc.pull_request_view import PullRequestOut

__all__ = ["DiffOut", "PullRequestOut"]


class DiffOut(BaseModel):
    number: int
    diff: str
