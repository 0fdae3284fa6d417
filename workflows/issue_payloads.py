"""What an issue run takes, returns, is sent and shows: plain data.

Apart from the workflow so that the sandbox passes it through instead of building
the dataclasses again at every run's start (see `workflows.agent_run_payloads`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcc.pipeline.steps import TestReport


@dataclass
class IssueRunInput:
    project_id: int
    project_slug: str
    issue_number: int
    max_test_loops: int = 3
    max_review_loops: int = 3
    agent_max_steps: int = 40
    # The repository's CI on the pull request: how long to wait for it, and how often
    # to reread it while no check event wakes the run.
    ci_timeout_s: int = 3600
    ci_poll_s: int = 60


@dataclass
class IssueRunResult:
    phase: str
    pull_number: int | None = None
    merge_sha: str | None = None


@dataclass
class RejectInput:
    feedback: str = ""


@dataclass
class Decided:
    """A decision the API claimed for approval round `round` (one per round)."""

    round: int
    kind: str  # approve | reject | retry | cancel
    feedback: str = ""
    head: str | None = None


@dataclass
class IssueStatus:
    phase: str
    percent: int
    pull_number: int | None = None
    merge_sha: str | None = None
    feedback: str | None = None
    error: str | None = None
    gate: str | None = None  # what awaiting_approval is about: "spec" or "merge"
    agents_at_work: list[str] = field(default_factory=list)
    test_loops: int = 0
    review_loops: int = 0
    rejections: int = 0
    spec: str | None = None
    tasks: list[dict[str, Any]] = field(default_factory=list)
    test_report: TestReport | None = None
    review: str | None = None
    conversation_id: int | None = None
    ci: str | None = None  # the repository's CI on the head, last read (one line)
    ci_loops: int = 0  # failures of CI sent back to a coder
    round: int = 0  # the latest approval round opened
    head: str | None = None  # the commit that round is about
