"""The seam between an issue's run and wherever its pull request lives.

`LocalForge` (pull requests as rows in MCC's database) and `GitHubForge` (pull
requests on GitHub) both satisfy `Forge`; activities see only this protocol and
`ForgeRouter` picks the implementation from the project's `forge` column.
Every method is one step of a run and may be repeated after a crash: it looks
at what is already done before doing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


def issue_branch(number: int) -> str:
    return f"mcc/issue-{number}"


def tests_worktree(number: int) -> str:
    """Where the issue's test command runs (a detached checkout of the issue branch)."""
    return f"issue-{number}-tests"


@dataclass(frozen=True)
class PullRef:
    number: int
    head_sha: str | None
    merge_sha: str | None
    state: str
    url: str | None = None


@dataclass(frozen=True)
class Proposal:
    """Where a person reviews a branch MCC proposes outside any issue's run (the rule
    file templates): a pull request on the forge, or a ref their own repository sees."""

    url: str | None = None  # the pull request's page, when the forge has one
    ref: str | None = None  # e.g. `mcc/mcc/rules-files` in a registered local repository


@dataclass(frozen=True)
class Check:
    """One check run or commit status of a pull request's head."""

    name: str
    state: str  # pending | success | failure
    details: str = ""  # what the check said: its output, or a status's description
    url: str | None = None


@dataclass(frozen=True)
class ChecksReport:
    """The repository's own CI on a head: `none` (no checks configured), `ignored` (the
    project ignores CI), `pending`, `success` or `failure`."""

    head: str | None
    state: str
    checks: list[Check] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.state == "failure"]

    @property
    def pending(self) -> list[Check]:
        return [c for c in self.checks if c.state == "pending"]

    def summary(self) -> str:
        """One line for a person: the approval message, GitHub's status comment."""
        if self.state == "none":
            return "CI: no checks configured on this repository"
        if self.state == "ignored":
            return "CI: ignored (the project is set to ignore CI)"
        passed = sum(1 for c in self.checks if c.state == "success")
        if self.state == "success":
            return f"CI: passed ({passed} of {len(self.checks)} checks green)"
        if self.state == "failure":
            names = ", ".join(c.name for c in self.failures)
            return f"CI: failed ({names})"
        names = ", ".join(c.name for c in self.pending)
        return f"CI: waiting for {names}" if names else "CI: waiting for the checks to start"


@runtime_checkable
class Forge(Protocol):
    """Branches, pull requests, comments, reviews, merges and issue state of one kind of forge."""

    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int:
        """Open an issue where the project's issues live and return its number (the
        MCC issue is stored under it). With `origin_key` (a retried tool call), an issue
        this key already opened is found instead of a second one opened."""
        ...

    async def open_pull_request(self, project_id: int, number: int) -> PullRef:
        """Publish the issue's branch and open (or find) its pull request."""
        ...

    async def merge_pull_request(
        self, project_id: int, number: int, approved_head: str | None = None
    ) -> PullRef:
        """Merge the issue's pull request as a merge commit and close the issue; with
        `approved_head`, only that commit (`HeadMoved` if the branch moved since)."""
        ...

    async def close_pull_request(self, project_id: int, number: int) -> PullRef | None:
        """Close the issue and its pull request (if any) without merging."""
        ...

    async def publish_branch(self, project_id: int, branch: str) -> None:
        """Make the forge show `branch` as the origin has it (updates an open pull request)."""
        ...

    async def propose_branch(self, project_id: int, branch: str, title: str, body: str) -> Proposal:
        """Put `branch` (in the origin) where the person reviews it: on a forge with pull
        requests, pushed with one pull request opened (the open one found again, never
        a second); a branch with nothing the default branch lacks is not proposed."""
        ...

    async def show_phase(self, project_id: int, number: int, phase: str) -> None:
        """Show the run's phase where the issue lives (best effort: never fails a step)."""
        ...

    async def comment(self, project_id: int, number: int, body: str) -> None:
        """Say something on the issue's pull request (or the issue while there is none)."""
        ...

    async def diff(self, project_id: int, pull_number: int) -> str:
        """The pull request's change as a unified diff."""
        ...

    async def read_checks(self, project_id: int, number: int) -> ChecksReport:
        """The repository's CI on the head of the issue's pull request (check runs and
        commit statuses), remembered on the pull request and shown where it lives."""
        ...
