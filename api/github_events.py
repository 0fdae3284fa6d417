"""What MCC does about each GitHub event (after the route has checked and claimed it).

Each handler does only quick things (a row, a Temporal start or signal, one API
read); the run's work happens in its workflow. A handler that finds nothing to
do returns quietly: GitHub sends many events MCC has no part in.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from temporalio.client import Client

from api import runs
from api.agent_runs import notify_user_message
from api.forge_decisions import decide_from_forge
from mcc.conversations import NewMessage, post_message
from mcc.errors import Conflict, MccError, NotFound, ServiceUnavailable
from mcc.forge.errors import ForgeAppNotInstalled
from mcc.forge.github.forge import PROBLEMS
from mcc.forge.github.issues import ensure_github_issue
from mcc.forge.github.webhooks import project_of_repo
from mcc.issues import get_issue
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.runtime import Runtime

log = logging.getLogger(__name__)

WRITE_ACCESS = {"admin", "maintain", "write"}
# Background work the answer does not wait for (a mirror refresh), kept referenced.
_background: set[asyncio.Task[None]] = set()


class GitHubEvents:
    def __init__(self, runtime: Runtime, client: Client | None) -> None:
        self.runtime = runtime
        self.client = client

    async def handle(self, event: str, payload: dict[str, Any], delivery: str = "") -> str:
        """Act on one event; returns a short word saying what was done (for the answer)."""
        handler = getattr(self, f"on_{event}", None)
        if handler is None:
            return "ignored"
        repo = (payload.get("repository") or {}).get("full_name")
        if repo is None:
            return await handler(None, payload)  # type: ignore[no-any-return]
        async with self.runtime.db.sessions() as session:
            project = await project_of_repo(session, repo)
        if project is None:
            return "ignored"
        try:
            return await handler(project, payload)  # type: ignore[no-any-return]
        except (Conflict, NotFound) as exc:
            log.info("GitHub %s for %s had no effect: %s", event, repo, exc.message)
            return "no_effect"
        except MccError as exc:
            # Not acted on (the claim is released for a redelivery): the owner is told once
            # per delivery, or once per credential and day when GitHub refuses MCC.
            key = None if isinstance(exc, PROBLEMS) else f"delivery:{delivery}"
            await self.runtime.github.tell_problem(project.id, exc, key)
            raise

    def _client(self) -> Client:
        if self.client is None:
            raise ServiceUnavailable("Temporal is not reachable; GitHub will redeliver")
        return self.client

    async def on_ping(self, project: Project | None, payload: dict[str, Any]) -> str:
        return "pong"

    async def on_installation(self, project: Project | None, payload: dict[str, Any]) -> str:
        """The App installed, removed or suspended: projects follow their installation."""
        installation = int((payload.get("installation") or {}).get("id", 0))
        action = payload.get("action")
        if action in ("deleted", "suspend"):
            lost = "was uninstalled" if action == "deleted" else "was suspended"
            return await self._installation_lost(installation, None, lost)
        if action in ("created", "unsuspend", "new_permissions_accepted"):
            self.runtime.github.api.tokens.forget(installation)
            return await self._installation_has(installation, payload.get("repositories") or [])
        return "ignored"

    async def on_installation_repositories(
        self, project: Project | None, payload: dict[str, Any]
    ) -> str:
        installation = int((payload.get("installation") or {}).get("id", 0))
        added = await self._installation_has(installation, payload.get("repositories_added") or [])
        removed = [str(r.get("full_name")) for r in payload.get("repositories_removed") or []]
        if removed:
            lost = "no longer has access to the repository"
            return await self._installation_lost(installation, removed, lost)
        return added

    async def _installation_has(self, installation: int, repositories: list[dict[str, Any]]) -> str:
        """Projects of these repositories use this installation from now on."""
        names = [str(r.get("full_name")) for r in repositories]
        async with self.runtime.db.sessions() as session:
            projects = list(
                await session.scalars(
                    select(Project).where(Project.forge == "github", Project.github_repo.in_(names))
                )
            )
            for found in projects:
                if found.forge_token_enc is None:  # a project on a personal token keeps it
                    found.github_installation_id = installation
            await session.commit()
        return "updated" if projects else "ignored"

    async def _installation_lost(
        self, installation: int, repos: list[str] | None, lost: str
    ) -> str:
        """The App lost access: each project that used it tells its owner (its runs stop
        in needs_attention at their next step on GitHub, with GitHub's refusal)."""
        self.runtime.github.api.tokens.forget(installation)
        query = select(Project).where(Project.github_installation_id == installation)
        if repos is not None:
            query = query.where(Project.github_repo.in_(repos))
        async with self.runtime.db.sessions() as session:
            projects = list(await session.scalars(query))
        for found in projects:
            await self.runtime.github.tell_problem(
                found.id,
                ForgeAppNotInstalled(f"the GitHub App {lost} ({found.github_repo})"),
                key=f"installation:{installation}:{found.id}:{lost}",
            )
        return "noted" if projects else "ignored"

    # -- issues -------------------------------------------------------------------------

    async def on_issues(self, project: Project, payload: dict[str, Any]) -> str:
        action = payload.get("action")
        data = payload["issue"]
        if "pull_request" in data:
            return "ignored"
        number = int(data["number"])
        if action == "closed":
            return await self._cancel(project, number)
        if action not in ("opened", "labeled", "reopened", "assigned"):
            return "ignored"
        labels = {label.get("name") for label in data.get("labels") or []}
        assignees = {a.get("login", "") for a in data.get("assignees") or []}
        handed = project.trigger_label in labels or await self._assigned_to_app(assignees)
        if not handed or data.get("state", "open") != "open":
            return "ignored"
        if project.archived:
            return "ignored_archived"  # archived: no new runs, whoever asks
        async with self.runtime.db.sessions() as session:
            issue = await ensure_github_issue(
                session, project, number, str(data.get("title", "")), str(data.get("body") or "")
            )
        try:
            await runs.start_issue_run(self._client(), self.runtime.settings, project, issue)
        except Conflict:
            return "already_running"  # a duplicate event finds the same run
        return "started"

    async def on_issue_comment(self, project: Project, payload: dict[str, Any]) -> str:
        if payload.get("action") != "created":
            return "ignored"
        comment = payload["comment"]
        text = str(comment.get("body", "")).strip()
        command = text.split(maxsplit=1)[:1]
        user = comment.get("user") or {}
        login = str(user.get("login", ""))
        if not text or user.get("type") == "Bot" or login.endswith("[bot]"):
            return "ignored"  # MCC's own status comments among them
        issue = await self._issue_for(project, int(payload["issue"]["number"]))
        if issue is None or not await self._may_write(project, login):
            return "ignored"
        if command in (["/retry"], ["/cancel"]):
            await runs.steer_issue(self._client(), issue, command[0].lstrip("/"))
            return command[0].lstrip("/")
        told = await self._tell_agents(project, issue, login, text, str(comment.get("id", "")))
        return "told_agents" if told else "ignored"

    async def _tell_agents(
        self, project: Project, issue: Issue, login: str, text: str, comment_id: str
    ) -> bool:
        """A writer's comment goes to every agent at work on the issue, as the person's
        message (they read it at their next step); none at work: nothing to tell."""
        async with self.runtime.db.sessions() as session:
            conversations = list(
                await session.scalars(
                    select(Conversation).where(
                        Conversation.project_id == project.id,
                        Conversation.run_id.like(f"{issue.workflow_id}/%"),
                        Conversation.status == "open",
                    )
                )
            )
            for conversation in conversations:
                message, _ = await post_message(
                    session,
                    self.runtime.events,
                    NewMessage(
                        conversation.id,
                        author=f"user:{project.owner_id}",
                        role="user",
                        content=f"@{login} on GitHub: {text}",
                        idempotency_key=f"github-comment/{comment_id}/{conversation.id}",
                    ),
                )
                await notify_user_message(self.client, conversation, message.id)
        return bool(conversations)

    # -- pull requests ------------------------------------------------------------------

    async def on_pull_request(self, project: Project, payload: dict[str, Any]) -> str:
        pull = payload["pull_request"]
        if payload.get("action") != "closed" or pull.get("merged"):
            return "ignored"
        issue = await self._issue_for(project, int(pull["number"]))
        if issue is None:
            return "ignored"
        await runs.steer_issue(self._client(), issue, "cancel")
        return "cancelled"

    async def on_pull_request_review(self, project: Project, payload: dict[str, Any]) -> str:
        review = payload["review"]
        state = str(review.get("state", "")).lower()
        if payload.get("action") != "submitted" or state not in ("approved", "changes_requested"):
            return "ignored"
        user = review.get("user") or {}
        if user.get("type") == "Bot" or not await self._may_write(project, user.get("login", "")):
            return "ignored"  # the App itself, or someone who may not decide
        number = int(payload["pull_request"]["number"])
        async with self.runtime.db.sessions() as session:
            row = await session.scalar(
                select(PullRequest).where(
                    PullRequest.project_id == project.id, PullRequest.number == number
                )
            )
            if row is None:
                return "ignored"
            issue = await session.get(Issue, row.issue_id)
            head = row.head_sha
        assert issue is not None
        if review.get("commit_id") and head and review["commit_id"] != head:
            await self.runtime.github.comment(
                project.id,
                number,
                f"This review was of {review['commit_id'][:7]}, but the pull request is now at "
                f"{head[:7]}: MCC acts only on a review of the current head.",
            )
            return "stale_review"
        refused = await decide_from_forge(
            self._client(),
            self.runtime.db,
            issue.id,
            state == "approved",
            str(review.get("body") or ""),
            review.get("commit_id") or head,
        )
        if refused is not None:
            return "not_decided"
        return "approved" if state == "approved" else "rejected"

    # -- the repository's CI --------------------------------------------------------------

    async def on_check_run(self, project: Project, payload: dict[str, Any]) -> str:
        return await self._checks_changed(project, (payload.get("check_run") or {}).get("head_sha"))

    async def on_check_suite(self, project: Project, payload: dict[str, Any]) -> str:
        suite = payload.get("check_suite") or {}
        return await self._checks_changed(project, suite.get("head_sha"))

    async def on_status(self, project: Project, payload: dict[str, Any]) -> str:
        return await self._checks_changed(project, payload.get("sha"))

    async def _checks_changed(self, project: Project, sha: str | None) -> str:
        """Wake the runs whose open pull request is at `sha`: they read CI again (what
        changed is read from GitHub, never taken from the event)."""
        if not sha:
            return "ignored"
        async with self.runtime.db.sessions() as session:
            issues = list(
                await session.scalars(
                    select(Issue)
                    .join(PullRequest, PullRequest.issue_id == Issue.id)
                    .where(
                        PullRequest.project_id == project.id,
                        PullRequest.head_sha == sha,
                        PullRequest.state == "open",
                    )
                )
            )
        woken = [issue for issue in issues if await runs.checks_changed(self._client(), issue)]
        return "woken" if woken else "ignored"

    # -- pushes -------------------------------------------------------------------------

    async def on_push(self, project: Project, payload: dict[str, Any]) -> str:
        ref = str(payload.get("ref", ""))
        if ref != f"refs/heads/{project.default_branch}":
            return "ignored"
        task = asyncio.create_task(self._refresh(project))
        _background.add(task)
        task.add_done_callback(_background.discard)
        return "refreshing"

    async def _refresh(self, project: Project) -> None:
        try:
            await self.runtime.github.refresh_branch(project, project.default_branch)
        except MccError as exc:
            log.warning("refreshing the mirror of %s failed: %s", project.github_repo, exc)

    # -- helpers ------------------------------------------------------------------------

    async def _cancel(self, project: Project, number: int) -> str:
        issue = await self._issue_for(project, number)
        if issue is None:
            return "ignored"
        await runs.steer_issue(self._client(), issue, "cancel")
        return "cancelled"

    async def _issue_for(self, project: Project, number: int) -> Issue | None:
        """The issue `number` names: a GitHub issue, or the pull request of one."""
        async with self.runtime.db.sessions() as session:
            row = await session.scalar(
                select(PullRequest).where(
                    PullRequest.project_id == project.id, PullRequest.number == number
                )
            )
            if row is not None:
                return await session.get(Issue, row.issue_id)
            try:
                return await get_issue(session, project.id, number)
            except NotFound:
                return None

    async def _assigned_to_app(self, assignees: set[str]) -> bool:
        """Whether the App's own bot (not any bot) is among the assignees."""
        if not any(login.endswith("[bot]") for login in assignees):
            return False
        return await self.runtime.github.api.app_login() in assignees

    async def _may_write(self, project: Project, login: str) -> bool:
        github = self.runtime.github
        full = project.github_repo or ""
        answer = await github.api.read(
            github.credentials(project),
            f"/repos/{full}/collaborators/{quote(login, safe='')}/permission",
            f"reading {login}'s permission on {full}",
        )
        return str(answer.get("permission", "none")) in WRITE_ACCESS
