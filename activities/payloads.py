"""Activity inputs and outputs: small dataclasses that carry ids, never rows."""

from __future__ import annotations

from dataclasses import dataclass

from mcc.issue_artifacts import Loops


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
    # The approval round a waiting phase belongs to: it is stored only while that
    # round is still open, so it never hides a decision already claimed.
    round: int | None = None
    reason: str | None = None  # why the run needs attention (told to the person)
    # Kept on the issue for its page (None from runs that did not send them).
    loops: Loops | None = None


@dataclass(frozen=True)
class RunPaused:
    run_id: str  # the workflow id, which names the run's conversation
    paused: bool


@dataclass(frozen=True)
class RoundOpening:
    issue: IssueRef
    number: int
    gate: str  # spec | merge | attention
    branch: str  # whose head the round is about
    percent: int
    resume_phase: str | None = None
    reason: str | None = None  # why the run needs attention (told to the person)
    loops: Loops | None = None  # kept on the issue for its page, as with PhaseChange


@dataclass(frozen=True)
class PullOutcome:
    number: int
    state: str
    head_sha: str | None = None
    merge_sha: str | None = None
