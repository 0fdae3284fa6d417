"""The local forge: pull requests as rows, branches in the project's bare origin.

Each method is one step of an issue's run and may be repeated after a crash:
it looks at what is already done (the row, the ref) before doing anything.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import Conflict, HeadMoved, NotFound
from mcc.forge.base import ChecksReport, Proposal, PullRef, issue_branch, tests_worktree
from mcc.forge.local_repos import LocalRepos
from mcc.issues import close_issue, get_issue, next_number, open_pull_on, pull_of
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.projects import get_project


def _ref(pr: PullRequest) -> PullRef:
    return PullRef(number=pr.number, head_sha=pr.head_sha, merge_sha=pr.merge_sha, state=pr.state)


class LocalForge:
    def __init__(self, db: Database, repos: LocalRepos) -> None:
        self.db = db
        self.repos = repos

    async def _load(
        self, session: AsyncSession, project_id: int, number: int
    ) -> tuple[Project, Issue]:
        project = await get_project(session, project_id)
        return project, await get_issue(session, project_id, number)

    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int:
        """The project's next issue number (MCC numbers local issues itself; a number a
        failed store leaves unused is only a gap)."""
        async with self.db.sessions() as session:
            number = await next_number(session, "issue_seq", project_id)
            await session.commit()
        return number

    async def open_pull_request(self, project_id: int, number: int) -> PullRef:
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            existing = await session.scalar(
                select(PullRequest).where(PullRequest.issue_id == issue.id)
            )
            if existing is not None:
                return _ref(existing)
            branch = issue_branch(number)
            head = await self.repos.rev(project_id, branch)
            base = await self.repos.merge_base(project_id, project.default_branch, head)
            pr = PullRequest(
                project_id=project_id,
                issue_id=issue.id,
                number=await next_number(session, "pull_seq", project_id),
                title=issue.title,
                head_branch=branch,
                base_branch=project.default_branch,
                base_sha=base,
                head_sha=head,
                state="open",
            )
            session.add(pr)
            await session.commit()
            return _ref(pr)

    async def merge_pull_request(
        self, project_id: int, number: int, approved_head: str | None = None
    ) -> PullRef:
        """Merge the issue's pull request with a merge commit, close both, drop the worktree.

        With `approved_head`, only that commit is merged: a branch that moved since the
        person approved it is refused (`HeadMoved`), never merged unseen.
        """
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            pr = await pull_of(session, issue)
            if pr.state == "closed":
                raise Conflict(f"pull request #{pr.number} is closed")
            if pr.state != "merged" and approved_head is not None:
                head = await self.repos.rev(project_id, pr.head_branch)
                if head != approved_head:
                    raise HeadMoved(f"{pr.head_branch} moved to {head[:12]} after the approval")
            if pr.state != "merged":
                result = await self.repos.merge(
                    project_id,
                    pr.head_branch,
                    pr.base_branch,
                    f"Merge pull request #{pr.number} from {pr.head_branch}\n\n"
                    f"{issue.title} (closes #{issue.number})",
                )
                pr.state, pr.merge_sha, pr.head_sha = "merged", result.merge_sha, result.head_sha
                pr.closed_at = utcnow()
            await close_issue(session, issue, utcnow())
            await self.repos.remove_worktree(project_id, tests_worktree(number))
            await self.repos.publish(project_id, Path(project.repo_path), pr.base_branch)
            return _ref(pr)

    async def close_pull_request(self, project_id: int, number: int) -> PullRef | None:
        """Close the issue and its pull request (if any) without merging."""
        async with self.db.sessions() as session:
            _, issue = await self._load(session, project_id, number)
            pr = await session.scalar(select(PullRequest).where(PullRequest.issue_id == issue.id))
            if pr is not None and pr.state == "open":
                pr.state, pr.closed_at = "closed", utcnow()
            await close_issue(session, issue, utcnow())
            await self.repos.remove_worktree(project_id, tests_worktree(number))
            return _ref(pr) if pr is not None else None

    async def publish_branch(self, project_id: int, branch: str) -> None:
        """Branches live in the origin itself: nothing to push, but an open pull request of
        `branch` takes its new head (a rework after a rejection moved it)."""
        async with self.db.sessions() as session:
            row = await open_pull_on(session, project_id, branch)
            if row is None:
                return
            row.head_sha = await self.repos.rev(project_id, branch)
            await session.commit()

    async def propose_branch(self, project_id: int, branch: str, title: str, body: str) -> Proposal:
        """The registered repository sees the branch as `mcc/<branch>` (the way merges
        reach it): the person reviews it where they work and merges it when they want;
        their checkout is never touched."""
        async with self.db.sessions() as session:
            project = await get_project(session, project_id)
        await self.repos.publish(project_id, Path(project.repo_path), branch)
        return Proposal(ref=f"mcc/{branch}")

    async def show_phase(self, project_id: int, number: int, phase: str) -> None:
        """The dashboard shows the phase from the issue row already."""

    async def comment(self, project_id: int, number: int, body: str) -> None:
        """The local forge shows a run's notes in its conversation, so nothing more to say."""

    async def read_checks(self, project_id: int, number: int) -> ChecksReport:
        """The local forge runs no CI of its own: there is never a check to wait for."""
        async with self.db.sessions() as session:
            _, issue = await self._load(session, project_id, number)
            pr = await pull_of(session, issue)
            report = ChecksReport(await self.repos.rev(project_id, pr.head_branch), "none")
            pr.ci_state, pr.ci_summary = report.state, report.summary()
            await session.commit()
        return report

    async def diff(self, project_id: int, pull_number: int) -> str:
        async with self.db.sessions() as session:
            pr = await session.scalar(
                select(PullRequest).where(
                    PullRequest.project_id == project_id, PullRequest.number == pull_number
                )
            )
            if pr is None:
                raise NotFound(f"pull request #{pull_number} not found")
        if pr.state != "open":
            return await self.repos.diff(project_id, pr.base_sha, pr.head_sha or pr.base_sha)
        # An open pull request shows its branch as it is now (agents keep pushing to it).
        head = await self.repos.rev(project_id, pr.head_branch)
        base = await self.repos.merge_base(project_id, pr.base_branch, head)
        return await self.repos.diff(project_id, base, head)
