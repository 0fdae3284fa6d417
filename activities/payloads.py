"""Activity inputs and outputs: small dataclasses that carry ids, never rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueRef:
    project_id: int
    issue_number: int
    workflow_id: str


@dataclass(frozen=True)
class PhaseChange:
    issue: IssueRef
    phase: str
    percent: int
    reason: str | None = None  # why the run needs attention (told to the person)


@dataclass(frozen=True)
class PullOutcome:
    number: int
    state: str
    head_sha: str | None = None
    merge_sha: str | None = None
