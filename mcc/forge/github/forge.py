"""GitHub as the forge of a project: agents work in MCC's bare origin (a mirror of
the repository); the issue branch is pushed to GitHub and the pull request opened,
merged or closed there through the REST API.

Every method may run again after a crash, so each looks first at what GitHub
and the database already show (an open pull request for the branch, a merge).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from github.PullRequest import PullRequest as GhPull
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import Conflict, GitFailed, HeadMoved, MccError, NotFound
from mcc.forge.base import PullRef, issue_branch, tests_worktree
from mcc.forge.errors import ForgeAuthFailed, ForgeRefused
from mcc.forge.github.api import Credentials, GitHubApi, git_auth
from mcc.forge.local_repos import LocalRepos
from mcc.issues import close_issue, get_issue
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.models.token_usage import TokenUsage
from mcc.projects import forge_token_context, get_project
from mcc.security.keyring import Keyring

log = logging.getLogger(__name__)
# Marks MCC's one status comment on an issue, so it is found and edited in place.
STATUS_MARKER = "<!-- mcc:status -->"
# What git says when the server refuses a token (HTTP 401/403 on the smart protocol).
_REFUSED_CREDENTIALS = ("Authentication failed", "could not read Username", "error: 401", " 403")


def _ref(pr: PullRequest, url: str | None = None) -> PullRef:
    return PullRef(pr.number, pr.head_sha, pr.merge_sha, pr.state, url)


class GitHubForge:
    def __init__(
        self, db: Database, repos: LocalRepos, api: GitHubApi, keys: Keyring, settings: Settings
    ) -> None:
        self.db = db
        self.repos = repos
        self.api = api
        self.keys = keys
        self.settings = settings

    # -- credentials and git --------------------------------------------------------

    def credentials(self, project: Project) -> Credentials:
        if project.github_installation_id is not None:
            return Credentials(installation_id=project.github_installation_id)
        token = None
        if project.forge_token_enc is not None:
            token = self.keys.secrets.open(project.forge_token_enc, forge_token_context(project.id))
        return Credentials(personal_token=token)

    async def push_branch(self, project: Project, branch: str) -> None:
        """Publish `branch` from the origin to GitHub (the clone URL is `repo_path`)."""
        await self._remote_git(
            project,
            ["push", "--quiet", project.repo_path, f"refs/heads/{branch}:refs/heads/{branch}"],
        )

    async def refresh_branch(self, project: Project, branch: str) -> None:
        """Bring `branch` from GitHub into the origin (after a merge there, or a push)."""
        await self._remote_git(
            project,
            ["fetch", "--quiet", project.repo_path, f"+refs/heads/{branch}:refs/heads/{branch}"],
        )

    async def _remote_git(self, project: Project, args: list[str]) -> None:
        credentials = self.credentials(project)
        config = git_auth(await self.api.token(credentials))
        try:
            await self.repos.git.run(args, self.repos.origin(project.id), config=config)
        except GitFailed as exc:
            if not any(sign in exc.message for sign in _REFUSED_CREDENTIALS):
                raise
            if credentials.installation_id is not None:
                self.api.tokens.forget(credentials.installation_id)
            raise ForgeAuthFailed(
                f"GitHub refused MCC's credentials for git {args[0]} (token revoked or expired)"
            ) from None

    # -- the Forge protocol ------------------------------------------------------------

    async def _load(
        self, session: AsyncSession, project_id: int, number: int
    ) -> tuple[Project, Issue]:
        project = await get_project(session, project_id)
        return project, await get_issue(session, project_id, number)

    async def _pull(self, project: Project, number: int) -> GhPull:
        credentials = self.credentials(project)
        gh = await self.api.github(credentials)
        repo = project.github_repo or ""
        return await self.api.call(
            f"reading pull request #{number} of {repo}",
            lambda: gh.get_repo(repo).get_pull(number),
            credentials,
        )

    async def open_pull_request(self, project_id: int, number: int) -> PullRef:
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            branch = issue_branch(number)
            await self.push_branch(project, branch)  # later pushes update an open PR too
            existing = await session.scalar(
                select(PullRequest).where(PullRequest.issue_id == issue.id)
            )
            head = await self.repos.rev(project_id, branch)
            if existing is not None:
                existing.head_sha = head
                await session.commit()
                return _ref(existing)
            credentials = self.credentials(project)
            gh = await self.api.github(credentials)
            full = project.github_repo or ""
            body = await self._description(session, project, issue)

            def open_or_find() -> GhPull:
                repo = gh.get_repo(full)
                owner = full.split("/")[0]
                for pull in repo.get_pulls(state="open", head=f"{owner}:{branch}"):
                    return pull  # opened before a crash: the same pull request
                return repo.create_pull(
                    base=project.default_branch, head=branch, title=issue.title, body=body
                )

            pull = await self.api.call(
                f"opening the pull request on {full}", open_or_find, credentials
            )
            base = await self.repos.merge_base(project_id, project.default_branch, head)
            row = PullRequest(
                project_id=project_id,
                issue_id=issue.id,
                number=pull.number,
                title=issue.title,
                head_branch=branch,
                base_branch=project.default_branch,
                base_sha=base,
                head_sha=head,
                state="open",
            )
            session.add(row)
            await session.commit()
            return _ref(row, pull.html_url)

    async def _description(self, session: AsyncSession, project: Project, issue: Issue) -> str:
        cost = await session.scalar(
            select(func.coalesce(func.sum(TokenUsage.cost_usd), 0)).where(
                TokenUsage.task_id.like(f"{issue.workflow_id}/%")
            )
        )
        code, spec, _ = await self.repos.git.status(
            ["show", f"{issue_branch(issue.number)}:.mcc/specs/{issue.number}.md"],
            self.repos.origin(project.id),
        )
        shown_spec = f"## Spec\n\n{spec.strip()}\n\n" if code == 0 and spec.strip() else ""
        return (
            f"Closes #{issue.number}.\n\n{issue.title}\n\n{shown_spec}"
            f"Opened by Mission Control Center. Cost so far: "
            f"${Decimal(cost or 0):.4f}\n\n"
            f"Run in the Temporal UI: {self.settings.temporal_run_url(issue.workflow_id)}\n\n"
            "Approve with a review **Approve**; **Request changes** sends the review back "
            "to the agents."
        )

    async def merge_pull_request(
        self, project_id: int, number: int, approved_head: str | None = None
    ) -> PullRef:
        """Merge on GitHub as a merge commit of exactly the head MCC knows (the approved
        one, when given); refused if it moved."""
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            row = await session.scalar(select(PullRequest).where(PullRequest.issue_id == issue.id))
            if row is None:
                raise NotFound(f"issue #{number} has no pull request")
            if row.state == "closed":
                raise Conflict(f"pull request #{row.number} is closed")
            if row.state != "merged":
                head = await self.repos.rev(project_id, issue_branch(number))
                if approved_head is not None and head != approved_head:
                    raise HeadMoved(f"{row.head_branch} moved to {head[:12]} after the approval")
                pull = await self._pull(project, row.number)
                if not pull.merged:
                    title = f"Merge pull request #{row.number} from {row.head_branch}"
                    status = await self.api.call(
                        f"merging pull request #{row.number}",
                        lambda: pull.merge(merge_method="merge", sha=head, commit_title=title),
                        self.credentials(project),
                    )
                    if not status.merged:
                        raise ForgeRefused(f"GitHub did not merge #{row.number}: {status.message}")
                    merge_sha = status.sha
                else:
                    merge_sha = pull.merge_commit_sha
                row.state, row.merge_sha, row.head_sha = "merged", merge_sha, head
                row.closed_at = utcnow()
            await close_issue(session, issue, utcnow())
            await session.commit()
            await self.refresh_branch(project, row.base_branch)
            await self.repos.remove_worktree(project_id, tests_worktree(number))
            return _ref(row)

    async def close_pull_request(self, project_id: int, number: int) -> PullRef | None:
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            row = await session.scalar(select(PullRequest).where(PullRequest.issue_id == issue.id))
            if row is not None and row.state == "open":
                pull = await self._pull(project, row.number)
                if pull.state == "open":
                    await self.api.call(
                        f"closing pull request #{row.number}",
                        lambda: pull.edit(state="closed"),
                        self.credentials(project),
                    )
                row.state, row.closed_at = "closed", utcnow()
            await close_issue(session, issue, utcnow())
            await session.commit()
            await self.repos.remove_worktree(project_id, tests_worktree(number))
            return _ref(row) if row is not None else None

    async def publish_branch(self, project_id: int, branch: str) -> None:
        """Push `branch` once its pull request is open (before, the opening pushes it)."""
        async with self.db.sessions() as session:
            project = await get_project(session, project_id)
            row = await session.scalar(
                select(PullRequest).where(
                    PullRequest.project_id == project_id,
                    PullRequest.head_branch == branch,
                    PullRequest.state == "open",
                )
            )
            if row is None:
                return
            await self.push_branch(project, branch)
            row.head_sha = await self.repos.rev(project_id, branch)
            issue = await session.get(Issue, row.issue_id)
            assert issue is not None
            body = await self._description(session, project, issue)
            await session.commit()
        credentials = self.credentials(project)
        path = f"/repos/{project.github_repo}/pulls/{row.number}"
        pull = await self.api.read(credentials, path, f"reading pull request #{row.number}")
        if pull.get("body") != body:  # the description shows the spec and cost as they are now
            await self.api.write(
                credentials, "PATCH", path, {"body": body}, f"updating #{row.number}"
            )

    async def show_phase(self, project_id: int, number: int, phase: str) -> None:
        """One status comment on the issue, edited in place, and an `mcc:<phase>` label.

        Best effort: a failure is logged, never a failed step (the next phase retries it).
        """
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
        credentials = self.credentials(project)
        full = project.github_repo or ""
        link = self.settings.temporal_run_url(issue.workflow_id)
        body = f"{STATUS_MARKER}\nMission Control Center: **{phase.replace('_', ' ')}**\n\n[Run]({link})"
        label = f"mcc:{phase}"

        def update() -> None:
            gh_issue = gh.get_repo(full).get_issue(number)
            for comment in gh_issue.get_comments():
                if comment.body.startswith(STATUS_MARKER):
                    if comment.body != body:
                        comment.edit(body)
                    break
            else:
                gh_issue.create_comment(body)
            names = [existing.name for existing in gh_issue.labels]
            for name in names:
                if name.startswith("mcc:") and name != label:
                    gh_issue.remove_from_labels(name)
            if label not in names:
                gh_issue.add_to_labels(label)

        try:
            gh = await self.api.github(credentials)
            await self.api.call(f"showing the phase on #{number}", update, credentials)
        except MccError as exc:
            log.warning("could not show the phase of %s on GitHub: %s", full, exc.message)

    async def comment(self, project_id: int, number: int, body: str) -> None:
        async with self.db.sessions() as session:
            project = await get_project(session, project_id)
        credentials = self.credentials(project)
        gh = await self.api.github(credentials)
        full = project.github_repo or ""
        await self.api.call(
            f"commenting on #{number}",
            lambda: gh.get_repo(full).get_issue(number).create_comment(body),
            credentials,
        )

    async def diff(self, project_id: int, pull_number: int) -> str:
        async with self.db.sessions() as session:
            row = await session.scalar(
                select(PullRequest).where(
                    PullRequest.project_id == project_id, PullRequest.number == pull_number
                )
            )
            if row is None:
                raise NotFound(f"pull request #{pull_number} not found")
        head = row.head_sha or row.base_sha
        if row.state == "open":
            head = await self.repos.rev(project_id, row.head_branch)
        return await self.repos.diff(project_id, row.base_sha, head)
