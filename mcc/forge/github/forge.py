"""GitHub as the forge of a project: agents work in MCC's bare origin (a mirror of
the repository); the issue branch is pushed to GitHub and the pull request opened,
merged or closed there through the REST API.

Every method may run again after a crash, so each looks first at what GitHub
and the database already show (an open pull request for the branch, a merge).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import quote

from github.PullRequest import PullRequest as GhPull
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import Conflict, GitFailed, HeadMoved, MccError, NotFound
from mcc.forge.base import (
    Check,
    ChecksReport,
    Proposal,
    PullRef,
    issue_branch,
    tests_worktree,
)
from mcc.forge.errors import ForgeAppNotInstalled, ForgeAuthFailed, ForgeRefused
from mcc.forge.github.api import Credentials, GitHubApi, git_auth
from mcc.forge.github.checks import PASSING, checks_of, latest_runs, report_of
from mcc.forge.github.issues import origin_marker
from mcc.forge.local_repos import LocalRepos
from mcc.issues import close_issue, get_issue, open_pull_on, pull_of, spend_of
from mcc.models.issue import Issue
from mcc.models.message import Message
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.notifications.notification import Notification
from mcc.notifications.runs import issue_link
from mcc.notifications.system import github_problem
from mcc.projects import forge_token_context, get_project
from mcc.security.keyring import Keyring

log = logging.getLogger(__name__)
# Marks MCC's one status comment on an issue, so it is found and edited in place.
STATUS_MARKER = "<!-- mcc:status -->"
# How much of a failed Actions job's log is read (its end, where the error is), and the
# timestamp Actions puts before every line.
LOG_TAIL = 8_000
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z ")
# The end of the test output shown in the description (where a failure's cause is).
MAX_SHOWN_OUTPUT = 1_500
# What git says when the server refuses a token (HTTP 401/403 on the smart protocol).
_REFUSED_CREDENTIALS = ("Authentication failed", "could not read Username", "error: 401", " 403")


F = TypeVar("F", bound=Callable[..., Coroutine[Any, Any, Any]])
# What a person must act on: MCC's credentials refused, the App gone from the repository.
PROBLEMS = (ForgeAuthFailed, ForgeAppNotInstalled)
Notify = Callable[[int, Notification], Awaitable[object]]


def _tells_problems(fn: F) -> F:
    """A step refused by GitHub for a reason a person must fix tells the project's owner
    (a `github_problem`, once per credential and day), then fails as before."""

    @wraps(fn)
    async def wrapper(self: GitHubForge, project_id: int, *args: Any, **kwargs: Any) -> Any:
        try:
            return await fn(self, project_id, *args, **kwargs)
        except PROBLEMS as exc:
            await self.tell_problem(project_id, exc)
            raise

    return cast(F, wrapper)


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
        # How problems reach the project's owner (`notify(owner, Notification)`), set by
        # the runtime that owns the notification channels.
        self.notify: Notify | None = None

    async def tell_problem(self, project_id: int, exc: Exception, key: str | None = None) -> None:
        """Tell the project's owner that GitHub refuses MCC (best effort: never raises).

        `key` names the occurrence; by default the credential and the day, so a run's
        retries and the status comment's attempts make one notification, and a new
        token that is refused again makes another."""
        if self.notify is None:
            return
        try:
            async with self.db.sessions() as session:
                project = await get_project(session, project_id)
            if project.owner_id is None:
                return
            if key is None:
                sealed = project.forge_token_enc or str(project.github_installation_id).encode()
                credential = hashlib.sha256(sealed).hexdigest()[:12]
                key = f"token:{project.id}:{credential}:{utcnow():%Y-%m-%d}"
            problem = (
                f"MCC's access to {project.github_repo} is refused"
                if isinstance(exc, PROBLEMS)
                else f"an event from {project.github_repo} could not be acted on"
            )
            detail = str(getattr(exc, "message", exc))
            if isinstance(exc, ForgeAuthFailed) and project.github_installation_id is None:
                detail += ". Give the project a new personal token on its settings page."
            elif isinstance(exc, PROBLEMS):
                detail += ". Check the GitHub App's installation on the repository."
            note = github_problem(problem, detail, key=key, project_id=project.id)
            await self.notify(project.owner_id, note)
        except Exception:  # telling must never turn one failure into another
            log.exception("could not tell the owner of project %s about GitHub", project_id)

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

    @_tells_problems
    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int:
        """Open the issue on GitHub with the project's trigger label: GitHub numbers it,
        and GitHub's own delivery of it (opened, labeled) then finds the same MCC issue
        and the same run (the run's id derives from the number).

        With `origin_key`, the body carries a hidden marker of it, and a retry finds the
        issue an earlier attempt opened among the label's issues, newest first."""
        async with self.db.sessions() as session:
            project = await get_project(session, project_id)
        credentials = self.credentials(project)
        full = project.github_repo or ""
        marker = (
            origin_marker(self.keys.origin_marker_key, origin_key)
            if origin_key is not None
            else None
        )
        if marker is not None:
            path = (
                f"/repos/{full}/issues?state=all&labels={quote(project.trigger_label)}"
                "&sort=created&direction=desc&per_page=100"
            )
            listed = await self.api.read(credentials, path, f"reading the issues of {full}")
            for item in listed:
                if "pull_request" not in item and marker in str(item.get("body") or ""):
                    return int(item["number"])
        created = await self.api.write(
            credentials,
            "POST",
            f"/repos/{full}/issues",
            {
                "title": title,
                "body": f"{body}\n\n{marker}" if marker is not None else body,
                "labels": [project.trigger_label],
            },
            f"opening an issue on {full}",
        )
        return int(created["number"])

    @_tells_problems
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
            body = await self._description(session, project, issue, None)  # no CI read yet

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

    async def _description(
        self, session: AsyncSession, project: Project, issue: Issue, ci_summary: str | None
    ) -> str:
        """The pull request's description: what a reviewer on GitHub needs to judge it —
        the spec, the latest test report and review, CI (`ci_summary`, as the pull
        request's row has it), the cost so far, and links."""
        cost = await spend_of(session, issue)
        code, spec, _ = await self.repos.git.status(
            ["show", f"{issue_branch(issue.number)}:.mcc/specs/{issue.number}.md"],
            self.repos.origin(project.id),
        )
        parts = [f"Closes #{issue.number}.", issue.title]
        if code == 0 and spec.strip():
            parts.append(f"## Spec\n\n{spec.strip()}")
        tests = await _latest_note(session, issue.workflow_id, "test-")
        if tests is not None:
            verdict, _, output = tests.partition("\n\n")
            shown = output.strip()[-MAX_SHOWN_OUTPUT:]
            parts.append(f"## Tests\n\n{verdict}" + (f"\n\n```\n{shown}\n```" if shown else ""))
        review = await _latest_note(session, issue.workflow_id, "review-")
        if review is not None:
            parts.append(f"## Review\n\n{review.strip()}")
        if ci_summary:
            parts.append(f"## CI\n\n{ci_summary}")
        mcc_link = self.settings.mcc_url(issue_link(issue))
        temporal = self.settings.temporal_run_url(issue.workflow_id)
        parts.append(
            f"Opened by Mission Control Center. Cost so far: ${cost:.4f}\n\n"
            f"[This issue in MCC]({mcc_link}) · [Run in the Temporal UI]({temporal})\n\n"
            "Approve with a review **Approve**; **Request changes** sends the review back "
            "to the agents."
        )
        return "\n\n".join(parts)

    async def _show_description(self, project: Project, number: int, body: str) -> None:
        """Edit the pull request's description when it changed (a conditional read first)."""
        credentials = self.credentials(project)
        path = f"/repos/{project.github_repo}/pulls/{number}"
        pull = await self.api.read(credentials, path, f"reading pull request #{number}")
        if pull.get("body") != body:
            await self.api.write(credentials, "PATCH", path, {"body": body}, f"updating #{number}")

    @_tells_problems
    async def merge_pull_request(
        self, project_id: int, number: int, approved_head: str | None = None
    ) -> PullRef:
        """Merge on GitHub as a merge commit of exactly the head MCC knows (the approved
        one, when given); refused if it moved."""
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            row = await pull_of(session, issue)
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

    @_tells_problems
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

    @_tells_problems
    async def publish_branch(self, project_id: int, branch: str) -> None:
        """Push `branch` once its pull request is open (before, the opening pushes it)."""
        async with self.db.sessions() as session:
            project = await get_project(session, project_id)
            row = await open_pull_on(session, project_id, branch)
            if row is None:
                return
            await self.push_branch(project, branch)
            row.head_sha = await self.repos.rev(project_id, branch)
            issue = await session.get(Issue, row.issue_id)
            assert issue is not None
            body = await self._description(session, project, issue, row.ci_summary)
            await session.commit()
        await self._show_description(project, row.number, body)

    @_tells_problems
    async def propose_branch(self, project_id: int, branch: str, title: str, body: str) -> Proposal:
        """Push `branch` to GitHub and open its pull request into the default branch, or
        find the one already open for it (a second press, or a retry after a crash): a
        branch is proposed once. A branch the default branch already holds (merged, or
        nothing was added) is not proposed: GitHub refuses a pull request of no commits."""
        async with self.db.sessions() as session:
            project = await get_project(session, project_id)
        origin = self.repos.origin(project_id)
        base = project.default_branch
        if await self.repos.git.ok(["merge-base", "--is-ancestor", branch, base], origin):
            return Proposal()
        await self.push_branch(project, branch)  # an open pull request shows the new head
        credentials = self.credentials(project)
        full = project.github_repo or ""
        owner = full.split("/")[0]
        listing = f"/repos/{full}/pulls?state=open&head={quote(f'{owner}:{branch}')}"

        async def find_open() -> str | None:
            found = await self.api.read(
                credentials, listing, f"reading the pull requests of {full}"
            )
            return str(found[0]["html_url"]) if found else None

        url = await find_open()
        if url is not None:
            return Proposal(url=url)
        what = f"opening a pull request for {branch} on {full}"
        payload = {"title": title, "body": body, "head": branch, "base": base}
        try:
            created = await self.api.write(
                credentials, "POST", f"/repos/{full}/pulls", payload, what
            )
        except ForgeRefused:
            url = await find_open()  # opened meanwhile by another press: that one
            if url is None:
                raise
            return Proposal(url=url)
        return Proposal(url=str(created["html_url"]))

    @_tells_problems
    async def read_checks(self, project_id: int, number: int) -> ChecksReport:
        """The check runs and commit statuses of the pull request's head (conditional
        reads: polling an unchanged head costs no quota); kept on the row and shown in
        the pull request's description."""
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            row = await pull_of(session, issue)
            head = await self.repos.rev(project_id, row.head_branch)
            if project.ignore_ci:
                report = ChecksReport(head, "ignored")
            else:
                report = report_of(head, await self._checks_on(project, head))
            row.ci_state, row.ci_summary = report.state, report.summary()
            body = await self._description(session, project, issue, row.ci_summary)
            await session.commit()
        await self._show_description(project, row.number, body)
        return report

    async def _with_log(self, project: Project, run: dict[str, Any]) -> dict[str, Any]:
        """A failed GitHub Actions job with the end of its log as its output's text (what
        Actions writes in the check run itself is rarely more than the exit code).

        Best effort: without the Actions read permission, or once the log expired, the
        check run's own output is what the coder reads."""
        failed = run.get("status") == "completed" and run.get("conclusion") not in PASSING
        if not failed or (run.get("app") or {}).get("slug") != "github-actions":
            return run
        path = f"/repos/{project.github_repo}/actions/jobs/{run['id']}/logs"
        try:
            log_tail = await self.api.tail(
                self.credentials(project), path, f"reading the log of {run.get('name')}", LOG_TAIL
            )
        except MccError as exc:
            log.info("no log for check run %s: %s", run.get("id"), exc.message)
            return run
        lines = [_TIMESTAMP.sub("", line) for line in log_tail.splitlines()[1:]]  # 1st is cut
        output = dict(run.get("output") or {})
        output["text"] = "\n".join(filter(None, [output.get("text"), "\n".join(lines)]))
        return {**run, "output": output}

    async def _checks_on(self, project: Project, sha: str) -> list[Check]:
        credentials = self.credentials(project)
        base = f"/repos/{project.github_repo}/commits/{sha}"
        runs = await self.api.read(
            credentials, f"{base}/check-runs?per_page=100", f"reading the check runs of {sha[:7]}"
        )
        runs = {
            **runs,
            "check_runs": [
                await self._with_log(project, r)
                for r in latest_runs(list(runs.get("check_runs") or []))
            ],
        }
        combined = await self.api.read(
            credentials, f"{base}/status?per_page=100", f"reading the statuses of {sha[:7]}"
        )
        return checks_of(runs, combined)

    async def show_phase(self, project_id: int, number: int, phase: str) -> None:
        """One status comment on the issue, edited in place, and an `mcc:<phase>` label.

        Best effort: a failure is logged, never a failed step (the next phase retries it).
        """
        async with self.db.sessions() as session:
            project, issue = await self._load(session, project_id, number)
            ci = await session.scalar(
                select(PullRequest.ci_summary).where(PullRequest.issue_id == issue.id)
            )
        credentials = self.credentials(project)
        full = project.github_repo or ""
        link = self.settings.temporal_run_url(issue.workflow_id)
        shown_ci = f"\n\n{ci}" if ci else ""
        body = (
            f"{STATUS_MARKER}\nMission Control Center: **{phase.replace('_', ' ')}**"
            f"{shown_ci}\n\n[In MCC]({self.settings.mcc_url(issue_link(issue))}) · "
            f"[Run in the Temporal UI]({link})"
        )
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
            if isinstance(exc, PROBLEMS):
                await self.tell_problem(project_id, exc)

    @_tells_problems
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


async def _latest_note(session: AsyncSession, workflow_id: str, label: str) -> str | None:
    """The run's latest note of one kind (`test-`, `review-`), as posted to its conversation."""
    content: str | None = await session.scalar(
        select(Message.content)
        .where(Message.idempotency_key.like(f"{workflow_id}/note/{label}%"))
        .order_by(Message.id.desc())
        .limit(1)
    )
    return content
