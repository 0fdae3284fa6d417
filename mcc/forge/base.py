"""The seam between an issue's run and wherever its pull request lives.

`LocalForge` (pull requests as rows in MCC's database) and `GitHubForge` (pull
requests on GitHub) both satisfy `Forge`; activities see only this protocol and
`ForgeRouter` picks the implementation from the project's `forge` column.
Every method is one step of a run and may be repeated after a crash: it looks
at what is already done before doing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@runtime_checkable
class Forge(Protocol):
    """Branches, pull requests, comments, reviews, merges and issue state of one kind of forge."""

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

    async def show_phase(self, project_id: int, number: int, phase: str) -> None:
        """Show the run's phase where the issue lives (best effort: never fails a step)."""
        ...

    async def comment(self, project_id: int, number: int, body: str) -> None:
        """Say something on the issue's pull request (or the issue while there is none)."""
        ...

    async def diff(self, project_id: int, pull_number: int) -> str:
        """The pull request's change as a unified diff."""
        ...
