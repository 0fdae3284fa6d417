"""A fake GitHub that the tests start: a real HTTP server answering PyGithub's REST
calls, serving git from local bare repositories, and sending signed webhooks.

What it holds is in plain dataclasses (`FakeGitHub.repos`), so a test arranges a
scenario and asserts on what MCC did to it (a pull request opened, merged, a
comment posted) the way a person would look at GitHub.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import subprocess
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from aiohttp import web


@dataclass
class FakeIssue:
    number: int
    title: str
    body: str
    user: str = "alice"
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakePull:
    number: int
    title: str
    body: str
    head: str
    base: str
    user: str
    state: str = "open"
    merged: bool = False
    merge_sha: str | None = None
    reviews: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakeRepo:
    owner: str
    name: str
    bare: Path
    default_branch: str = "main"
    installation_id: int | None = None
    # Who may do what: login -> "admin" | "write" | "read".
    permissions: dict[str, str] = field(default_factory=dict)
    issues: dict[int, FakeIssue] = field(default_factory=dict)
    pulls: dict[int, FakePull] = field(default_factory=dict)
    next_number: int = 1
    # The repository's CI, per commit: check runs (Apps, Actions) and commit statuses.
    check_runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Check runs a push starts on each new branch head (as a workflow on `push` does).
    ci_on_push: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def number(self) -> int:
        n, self.next_number = self.next_number, self.next_number + 1
        return n


@dataclass
class Injected:
    """One scripted answer for the next matching request (a rate limit, an outage)."""

    status: int
    headers: dict[str, str]
    message: str
    path_part: str = ""


def _git(bare: Path, *args: str, stdin: bytes | None = None) -> str:
    out = subprocess.run(
        ["git", *args],
        cwd=bare,
        input=stdin,
        capture_output=True,
        check=True,
        env={
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "PATH": "/usr/bin:/bin",
            "GIT_AUTHOR_NAME": "GitHub",
            "GIT_AUTHOR_EMAIL": "noreply@github.com",
            "GIT_COMMITTER_NAME": "GitHub",
            "GIT_COMMITTER_EMAIL": "noreply@github.com",
        },
    )
    return out.stdout.decode()


class FakeGitHub:
    """The fake's state plus its aiohttp application."""

    APP_LOGIN = "mcc-app[bot]"

    def __init__(self, root: Path, app_id: int, public_key_pem: str) -> None:
        self.root = root
        self.app_id = app_id
        self.public_key_pem = public_key_pem
        self.repos: dict[str, FakeRepo] = {}
        self.tokens: dict[str, tuple[int | None, datetime]] = {}  # token -> (installation, expiry)
        self.token_lifetime = timedelta(hours=1)
        self.tokens_issued = 0
        self.injected: deque[Injected] = deque()
        # (method, path, status, monotonic time) of every request, for the tests' asserts.
        self.requests: list[tuple[str, str, int, float]] = []
        self.url = ""
        self._ids = 0
        self.job_logs: dict[int, str] = {}
        # The Authorization header (or None) of each download from log storage.
        self.log_downloads: list[str | None] = []

    # -- arranging -------------------------------------------------------------

    def add_repo(self, full_name: str, *, installation_id: int | None = None) -> FakeRepo:
        owner, name = full_name.split("/")
        bare = self.root / "git" / owner / f"{name}.git"
        bare.parent.mkdir(parents=True, exist_ok=True)
        work = self.root / "seed" / full_name
        work.mkdir(parents=True)
        _git(work, "init", "--quiet", "--initial-branch=main")
        (work / "README.md").write_text(f"# {name}\n")
        _git(work, "add", "README.md")
        _git(work, "commit", "--quiet", "-m", "Initial commit")
        _git(self.root, "clone", "--quiet", "--bare", str(work), str(bare))
        _git(bare, "config", "http.receivepack", "true")
        repo = FakeRepo(owner, name, bare, installation_id=installation_id)
        self.repos[full_name] = repo
        return repo

    def personal_token(self) -> str:
        token = "github_pat_" + secrets.token_urlsafe(60)  # long, as fine-grained tokens are
        self.tokens[token] = (None, datetime.now(UTC) + timedelta(days=30))
        return token

    def inject(self, status: int, headers: dict[str, str], path_part: str = "") -> None:
        self.injected.append(Injected(status, headers, "injected", path_part))

    def revoke_all_tokens(self) -> None:
        self.tokens.clear()

    def open_issue(self, repo: FakeRepo, title: str, body: str, labels: list[str]) -> FakeIssue:
        issue = FakeIssue(repo.number(), title, body, labels=list(labels))
        repo.issues[issue.number] = issue
        return issue

    def add_check_run(
        self,
        repo: FakeRepo,
        sha: str,
        name: str,
        *,
        status: str = "completed",
        conclusion: str | None = "success",
        output: dict[str, Any] | None = None,
        log: str | None = None,
    ) -> dict[str, Any]:
        """A check run on `sha` as GitHub Actions would create it (a re-run adds a newer one);
        `log` is its job's log, served as Actions serves it (a redirect to storage)."""
        self._ids += 1
        if log is not None:
            self.job_logs[self._ids] = log
        run = {
            "id": self._ids,
            "name": name,
            "head_sha": sha,
            "status": status,
            "conclusion": conclusion if status == "completed" else None,
            "html_url": f"{self.url}/{repo.full_name}/runs/{self._ids}",
            "details_url": f"{self.url}/{repo.full_name}/runs/{self._ids}",
            "output": {"title": None, "summary": None, "text": None, **(output or {})},
            "pull_requests": [],
            "app": {"slug": "github-actions" if log is not None else "some-ci"},
        }
        repo.check_runs.setdefault(sha, []).append(run)
        return run

    def add_status(
        self, repo: FakeRepo, sha: str, context: str, state: str, description: str = ""
    ) -> dict[str, Any]:
        """A commit status on `sha` (an older CI service's way to report)."""
        self._ids += 1
        status = {
            "id": self._ids,
            "sha": sha,
            "context": context,
            "state": state,
            "description": description,
            "target_url": f"https://ci.example/{repo.full_name}/{self._ids}",
        }
        repo.statuses.setdefault(sha, []).append(status)
        return status

    def check_run_payload(self, repo: FakeRepo, run: dict[str, Any]) -> dict[str, Any]:
        return {
            "action": "completed" if run["status"] == "completed" else "created",
            "check_run": run,
            "repository": self.repo_payload(repo),
        }

    def status_payload(self, repo: FakeRepo, status: dict[str, Any]) -> dict[str, Any]:
        return {**status, "repository": self.repo_payload(repo)}

    # -- JSON shapes -------------------------------------------------------------

    def _repo_json(self, repo: FakeRepo, login: str | None) -> dict[str, Any]:
        level = repo.permissions.get(login or "", "write" if login is None else "none")
        return {
            "id": abs(hash(repo.full_name)) % 10**8,
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": {"login": repo.owner, "type": "User"},
            "private": True,
            "default_branch": repo.default_branch,
            "clone_url": f"{self.url}/git/{repo.owner}/{repo.name}.git",
            "html_url": f"{self.url}/{repo.full_name}",
            "url": f"{self.url}/repos/{repo.full_name}",
            "permissions": {
                "admin": level == "admin",
                "push": level in ("admin", "write"),
                "pull": True,
            },
        }

    def _issue_json(self, repo: FakeRepo, issue: FakeIssue) -> dict[str, Any]:
        base = f"{self.url}/repos/{repo.full_name}/issues/{issue.number}"
        return {
            "id": issue.number,
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state,
            "labels": [{"name": label} for label in issue.labels],
            "user": {"login": issue.user, "type": "User"},
            "url": base,
            "comments_url": f"{base}/comments",
            "html_url": f"{self.url}/{repo.full_name}/issues/{issue.number}",
            "comments": len(issue.comments),
        }

    def _pull_json(self, repo: FakeRepo, pull: FakePull) -> dict[str, Any]:
        head_sha = self.branch_sha(repo, pull.head)
        return {
            "id": 10_000 + pull.number,
            "number": pull.number,
            "title": pull.title,
            "body": pull.body,
            "state": pull.state,
            "merged": pull.merged,
            "merge_commit_sha": pull.merge_sha,
            "user": {"login": pull.user, "type": "Bot"},
            "head": {"ref": pull.head, "sha": head_sha, "label": f"{repo.owner}:{pull.head}"},
            "base": {"ref": pull.base, "sha": self.branch_sha(repo, pull.base)},
            "url": f"{self.url}/repos/{repo.full_name}/pulls/{pull.number}",
            "issue_url": f"{self.url}/repos/{repo.full_name}/issues/{pull.number}",
            "html_url": f"{self.url}/{repo.full_name}/pull/{pull.number}",
        }

    def branch_sha(self, repo: FakeRepo, branch: str) -> str | None:
        try:
            return _git(repo.bare, "rev-parse", "--verify", f"refs/heads/{branch}").strip()
        except subprocess.CalledProcessError:
            return None

    # -- auth ----------------------------------------------------------------------

    def _token_of(self, request: web.Request) -> tuple[str, str]:
        """("jwt" | "token", value) from the Authorization header, or 401."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header.count(".") == 2:
            claims = jwt.decode(header[7:], self.public_key_pem, algorithms=["RS256"])
            if str(claims.get("iss")) != str(self.app_id):
                raise _error(401, "'Issuer' claim ('iss') must be the App id")
            return "jwt", str(claims["iss"])
        for prefix in ("token ", "Bearer "):
            if header.startswith(prefix):
                token = header[len(prefix) :]
                known = self.tokens.get(token)
                if known is None or known[1] <= datetime.now(UTC):
                    raise _error(401, "Bad credentials")
                return "token", token
        raise _error(401, "Requires authentication")

    def _login_of(self, token: str) -> str | None:
        installation, _ = self.tokens[token]
        return self.APP_LOGIN if installation is not None else None

    def _repo_for(self, request: web.Request, kind: str, value: str) -> FakeRepo:
        full = f"{request.match_info['owner']}/{request.match_info['repo']}"
        repo = self.repos.get(full)
        if repo is None:
            raise _error(404, "Not Found")
        if kind == "token":
            installation, _ = self.tokens[value]
            if installation is not None and repo.installation_id != installation:
                raise _error(404, "Not Found")
        return repo

    # -- the application -------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get("/app", self.get_app)
        r.add_get("/repos/{owner}/{repo}/installation", self.repo_installation)
        r.add_post("/app/installations/{id}/access_tokens", self.access_token)
        r.add_get("/repos/{owner}/{repo}", self.get_repo)
        r.add_get("/repos/{owner}/{repo}/collaborators/{login}/permission", self.permission)
        r.add_get("/repos/{owner}/{repo}/issues", self.list_issues)
        r.add_post("/repos/{owner}/{repo}/issues", self.create_issue)
        r.add_get("/repos/{owner}/{repo}/issues/{number}", self.get_issue)
        r.add_patch("/repos/{owner}/{repo}/issues/{number}", self.edit_issue)
        r.add_get("/repos/{owner}/{repo}/issues/{number}/comments", self.list_comments)
        r.add_post("/repos/{owner}/{repo}/issues/{number}/comments", self.add_comment)
        r.add_patch("/repos/{owner}/{repo}/issues/comments/{id}", self.edit_comment)
        r.add_post("/repos/{owner}/{repo}/issues/{number}/labels", self.add_labels)
        r.add_delete("/repos/{owner}/{repo}/issues/{number}/labels/{name}", self.remove_label)
        r.add_get("/repos/{owner}/{repo}/pulls", self.list_pulls)
        r.add_post("/repos/{owner}/{repo}/pulls", self.create_pull)
        r.add_get("/repos/{owner}/{repo}/pulls/{number}", self.get_pull)
        r.add_patch("/repos/{owner}/{repo}/pulls/{number}", self.edit_pull)
        r.add_put("/repos/{owner}/{repo}/pulls/{number}/merge", self.merge_pull)
        r.add_get("/repos/{owner}/{repo}/pulls/{number}/reviews", self.list_reviews)
        r.add_get("/repos/{owner}/{repo}/commits/{ref}/check-runs", self.list_check_runs)
        r.add_get("/repos/{owner}/{repo}/commits/{ref}/status", self.combined_status)
        r.add_get("/repos/{owner}/{repo}/commits/{ref}/statuses", self.list_statuses)
        r.add_get("/repos/{owner}/{repo}/actions/jobs/{id}/logs", self.job_log)
        r.add_get("/_storage/logs/{id}", self.stored_log)
        r.add_route("*", "/git/{owner}/{repo}.git/{rest:.*}", self.git_http)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response = await self._answer(request, handler)
        except web.HTTPException as exc:
            response = web.Response(
                status=exc.status, text=exc.text, content_type="application/json"
            )
        self.requests.append((request.method, request.path, response.status, time.monotonic()))
        return response

    async def _answer(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/git/") and self.injected:
            nxt = self.injected[0]
            if nxt.path_part in request.path:
                self.injected.popleft()
                return web.json_response(
                    {"message": "API rate limit exceeded" if nxt.status in (403, 429) else "x"},
                    status=nxt.status,
                    headers=nxt.headers,
                )
        response: web.StreamResponse = await handler(request)
        if request.method == "GET" and isinstance(response, web.Response) and response.body:
            body = response.body if isinstance(response.body, bytes) else b""
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            response.headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
        if not request.path.startswith("/git/"):
            response.headers.setdefault("X-RateLimit-Limit", "5000")
            response.headers.setdefault("X-RateLimit-Remaining", "4999")
            reset = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
            response.headers.setdefault("X-RateLimit-Reset", str(reset))
        return response

    async def get_app(self, request: web.Request) -> web.Response:
        """The authenticated App (its slug names its bot: `<slug>[bot]`)."""
        kind, _ = self._token_of(request)
        if kind != "jwt":
            raise _error(401, "A JSON web token could not be decoded")
        slug = self.APP_LOGIN.removesuffix("[bot]")
        return web.json_response(
            {
                "id": self.app_id,
                "slug": slug,
                "name": slug,
                "owner": {"login": "octo", "type": "Organization"},
                "html_url": f"{self.url}/apps/{slug}",
                "events": [],
                "permissions": {},
            }
        )

    async def repo_installation(self, request: web.Request) -> web.Response:
        kind, _ = self._token_of(request)
        if kind != "jwt":
            raise _error(401, "A JSON web token could not be decoded")
        repo = self.repos.get(f"{request.match_info['owner']}/{request.match_info['repo']}")
        if repo is None or repo.installation_id is None:
            raise _error(404, "Not Found")
        return web.json_response(
            {"id": repo.installation_id, "app_id": self.app_id, "account": {"login": repo.owner}}
        )

    async def access_token(self, request: web.Request) -> web.Response:
        kind, _ = self._token_of(request)
        if kind != "jwt":
            raise _error(401, "A JSON web token could not be decoded")
        installation = int(request.match_info["id"])
        if not any(r.installation_id == installation for r in self.repos.values()):
            raise _error(404, "Not Found")
        token = "ghs_" + secrets.token_urlsafe(30)
        expires = datetime.now(UTC) + self.token_lifetime
        self.tokens[token] = (installation, expires)
        self.tokens_issued += 1
        return web.json_response(
            {"token": token, "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}, status=201
        )

    async def get_repo(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        return web.json_response(self._repo_json(repo, self._login_of(value)))

    async def permission(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        login = request.match_info["login"]
        level = repo.permissions.get(login, "none")
        return web.json_response(
            {"permission": level, "user": {"login": login}, "role_name": level}
        )

    def _issue(self, repo: FakeRepo, request: web.Request) -> FakeIssue:
        issue = repo.issues.get(int(request.match_info["number"]))
        if issue is None:
            raise _error(404, "Not Found")
        return issue

    async def list_issues(self, request: web.Request) -> web.Response:
        """Issues newest first, filtered by `state` (open | closed | all) and `labels`
        (comma-separated, all required), one page of `per_page`."""
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        state = request.query.get("state", "open")
        wanted = {x for x in request.query.get("labels", "").split(",") if x}
        per_page = int(request.query.get("per_page", "30"))
        shown = [
            self._issue_json(repo, issue)
            for issue in sorted(repo.issues.values(), key=lambda i: -i.number)
            if (state == "all" or issue.state == state) and wanted <= set(issue.labels)
        ]
        return web.json_response(shown[:per_page])

    async def create_issue(self, request: web.Request) -> web.Response:
        """POST /repos/{owner}/{repo}/issues: numbered with the pull requests, as GitHub does."""
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        body = await request.json()
        if not str(body.get("title") or "").strip():
            raise _error(422, "Validation Failed: title is missing")
        issue = FakeIssue(
            repo.number(),
            body["title"],
            body.get("body") or "",
            user=self._login_of(value) or "someone",
            labels=[str(label) for label in body.get("labels") or []],
        )
        repo.issues[issue.number] = issue
        return web.json_response(self._issue_json(repo, issue), status=201)

    async def get_issue(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        pull = repo.pulls.get(int(request.match_info["number"]))
        if pull is not None:  # on GitHub every pull request is an issue too
            shown = FakeIssue(pull.number, pull.title, pull.body, pull.user, pull.state)
            shown.comments = pull.reviews
            return web.json_response(
                {**self._issue_json(repo, shown), "pull_request": {"url": "pulls"}}
            )
        return web.json_response(self._issue_json(repo, self._issue(repo, request)))

    async def edit_issue(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        issue = self._issue(repo, request)
        body = await request.json()
        issue.state = body.get("state", issue.state)
        return web.json_response(self._issue_json(repo, issue))

    def _comment_json(self, repo: FakeRepo, comment: dict[str, Any]) -> dict[str, Any]:
        return {
            **comment,
            "url": f"{self.url}/repos/{repo.full_name}/issues/comments/{comment['id']}",
            "html_url": f"{self.url}/{repo.full_name}#issuecomment-{comment['id']}",
        }

    async def list_comments(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        comments = self._thread(repo, int(request.match_info["number"]))
        return web.json_response([self._comment_json(repo, c) for c in comments])

    def _thread(self, repo: FakeRepo, number: int) -> list[dict[str, Any]]:
        if number in repo.issues:
            return repo.issues[number].comments
        if number in repo.pulls:
            return repo.pulls[number].reviews  # PR conversation comments kept with reviews
        raise _error(404, "Not Found")

    async def add_comment(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        thread = self._thread(repo, int(request.match_info["number"]))
        body = await request.json()
        comment = {
            "id": secrets.randbelow(10**9),
            "body": body["body"],
            "user": {"login": self._login_of(value) or "someone", "type": "Bot"},
        }
        thread.append(comment)
        return web.json_response(self._comment_json(repo, comment), status=201)

    async def edit_comment(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        wanted = int(request.match_info["id"])
        for issue in repo.issues.values():
            for comment in issue.comments:
                if comment["id"] == wanted:
                    comment["body"] = (await request.json())["body"]
                    return web.json_response(self._comment_json(repo, comment))
        raise _error(404, "Not Found")

    async def add_labels(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        issue = self._issue(repo, request)
        body = await request.json()  # GitHub takes a bare list or {"labels": [...]}
        for label in body if isinstance(body, list) else body.get("labels", []):
            if label not in issue.labels:
                issue.labels.append(label)
        return web.json_response([{"name": name} for name in issue.labels])

    async def remove_label(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        issue = self._issue(self._repo_for(request, kind, value), request)
        name = request.match_info["name"]
        if name not in issue.labels:
            raise _error(404, "Label does not exist")
        issue.labels.remove(name)
        return web.json_response([{"name": label} for label in issue.labels])

    def _pull(self, repo: FakeRepo, request: web.Request) -> FakePull:
        pull = repo.pulls.get(int(request.match_info["number"]))
        if pull is None:
            raise _error(404, "Not Found")
        return pull

    async def list_pulls(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        state = request.query.get("state", "open")
        head = request.query.get("head")
        found = [
            self._pull_json(repo, p)
            for p in repo.pulls.values()
            if (state == "all" or p.state == state)
            and (head is None or f"{repo.owner}:{p.head}" == head)
        ]
        return web.json_response(found)

    async def create_pull(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        body = await request.json()
        if self.branch_sha(repo, body["head"]) is None:
            raise _error(422, "Validation Failed: head does not exist")
        if any(p.head == body["head"] and p.state == "open" for p in repo.pulls.values()):
            raise _error(422, f"A pull request already exists for {repo.owner}:{body['head']}.")
        pull = FakePull(
            repo.number(),
            body["title"],
            body.get("body") or "",
            body["head"],
            body["base"],
            user=self._login_of(value) or "someone",
        )
        repo.pulls[pull.number] = pull
        return web.json_response(self._pull_json(repo, pull), status=201)

    async def get_pull(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        return web.json_response(self._pull_json(repo, self._pull(repo, request)))

    async def edit_pull(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        pull = self._pull(repo, request)
        body = await request.json()
        pull.state = body.get("state", pull.state)
        pull.body = body.get("body", pull.body)
        return web.json_response(self._pull_json(repo, pull))

    async def merge_pull(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        pull = self._pull(repo, request)
        body = await request.json()
        if pull.merged:
            raise _error(405, "Pull Request is not mergeable")
        head = self.branch_sha(repo, pull.head)
        if body.get("sha") and body["sha"] != head:
            raise _error(409, "Head branch was modified. Review and try the merge again.")
        if body.get("merge_method", "merge") != "merge":
            raise _error(405, "Only merge commits are enabled in this fake")
        base = self.branch_sha(repo, pull.base)
        assert head is not None and base is not None
        tree = _git(repo.bare, "merge-tree", "--write-tree", base, head).split()[0]
        title = body.get("commit_title") or f"Merge pull request #{pull.number}"
        commit = _git(repo.bare, "commit-tree", tree, "-p", base, "-p", head, "-m", title).strip()
        _git(repo.bare, "update-ref", f"refs/heads/{pull.base}", commit, base)
        pull.merged, pull.merge_sha, pull.state = True, commit, "closed"
        return web.json_response({"sha": commit, "merged": True, "message": "merged"})

    async def list_reviews(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        return web.json_response(self._pull(repo, request).reviews)

    # -- CI ------------------------------------------------------------------------------

    def _commit(self, repo: FakeRepo, ref: str) -> str:
        try:
            return _git(repo.bare, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
        except subprocess.CalledProcessError:
            raise _error(422, f"No commit found for SHA: {ref}") from None

    async def list_check_runs(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        runs = repo.check_runs.get(self._commit(repo, request.match_info["ref"]), [])
        newest_first = sorted(runs, key=lambda r: -int(r["id"]))
        return web.json_response({"total_count": len(runs), "check_runs": newest_first})

    async def combined_status(self, request: web.Request) -> web.Response:
        """The latest status of each context, and their combined state (pending when none)."""
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        sha = self._commit(repo, request.match_info["ref"])
        latest: dict[str, dict[str, Any]] = {}
        for status in repo.statuses.get(sha, []):
            latest[status["context"]] = status
        states = {s["state"] for s in latest.values()}
        if states & {"failure", "error"}:
            state = "failure"
        elif "pending" in states or not states:
            state = "pending"
        else:
            state = "success"
        return web.json_response(
            {
                "state": state,
                "sha": sha,
                "total_count": len(latest),
                "statuses": list(latest.values()),
                "repository": self._repo_json(repo, None),
            }
        )

    async def list_statuses(self, request: web.Request) -> web.Response:
        kind, value = self._token_of(request)
        repo = self._repo_for(request, kind, value)
        statuses = repo.statuses.get(self._commit(repo, request.match_info["ref"]), [])
        return web.json_response(list(reversed(statuses)))

    async def job_log(self, request: web.Request) -> web.Response:
        """A redirect to the log in storage on another host (`localhost`, not 127.0.0.1),
        as GitHub answers with a short-lived signed URL."""
        kind, value = self._token_of(request)
        self._repo_for(request, kind, value)
        job = int(request.match_info["id"])
        if job not in self.job_logs:
            raise _error(404, "Not Found")
        storage = self.url.replace("127.0.0.1", "localhost")
        location = f"{storage}/_storage/logs/{job}?sig={secrets.token_hex(8)}"
        return web.Response(status=302, headers={"Location": location})

    async def stored_log(self, request: web.Request) -> web.Response:
        self.log_downloads.append(request.headers.get("Authorization"))
        log = self.job_logs[int(request.match_info["id"])]
        return web.Response(text=log, content_type="text/plain")

    # -- git over smart HTTP ------------------------------------------------------------

    async def git_http(self, request: web.Request) -> web.StreamResponse:
        """`git http-backend` as CGI, after the same token check the API does."""
        header = request.headers.get("Authorization", "")
        ok = False
        if header.startswith("Basic "):
            _user, _, token = base64.b64decode(header[6:]).decode().partition(":")
            known = self.tokens.get(token)
            ok = known is not None and known[1] > datetime.now(UTC)
        if not ok:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="GitHub"'})
        env = {
            "GIT_PROJECT_ROOT": str(self.root / "git"),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": f"/{request.match_info['owner']}/{request.match_info['repo']}.git/"
            + request.match_info["rest"],
            "QUERY_STRING": request.query_string,
            "REQUEST_METHOD": request.method,
            "CONTENT_TYPE": request.headers.get("Content-Type", ""),
            "REMOTE_USER": "x-access-token",
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "PATH": "/usr/bin:/bin",
        }
        if "Content-Encoding" in request.headers:
            env["HTTP_CONTENT_ENCODING"] = request.headers["Content-Encoding"]
        if "Git-Protocol" in request.headers:
            env["GIT_PROTOCOL"] = request.headers["Git-Protocol"]
        repo = self.repos.get(f"{request.match_info['owner']}/{request.match_info['repo']}")
        before = self._heads(repo) if repo is not None else {}
        proc = await asyncio.create_subprocess_exec(
            "git",
            "http-backend",
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate(await request.read())
        if repo is not None and repo.ci_on_push:
            for branch, sha in self._heads(repo).items():
                if before.get(branch) != sha:  # pushed: CI starts on the new head
                    for name in repo.ci_on_push:
                        self.add_check_run(repo, sha, name, status="in_progress")
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(": ")
            if key.lower() == "status":
                status = int(value.split()[0])
            elif key:
                headers[key] = value
        return web.Response(status=status, body=payload, headers=headers)

    @staticmethod
    def _heads(repo: FakeRepo) -> dict[str, str]:
        listed = _git(repo.bare, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")
        return dict(line.split(" ", 1) for line in listed.splitlines() if line)

    # -- webhooks to MCC ----------------------------------------------------------------

    async def deliver(
        self,
        url: str,
        secret: str,
        event: str,
        payload: dict[str, Any],
        *,
        delivery: str | None = None,
        signature: str | None = None,
    ) -> tuple[int, float]:
        """Send one delivery as GitHub does; returns (status, seconds taken)."""
        body = json.dumps(payload).encode()
        sig = signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or secrets.token_hex(16),
            "X-Hub-Signature-256": sig,
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/fake",
        }
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=body, headers=headers) as response,
        ):
            await response.read()
            return response.status, loop.time() - started

    def repo_payload(self, repo: FakeRepo) -> dict[str, Any]:
        return self._repo_json(repo, None)

    def issue_payload(self, repo: FakeRepo, issue: FakeIssue) -> dict[str, Any]:
        return self._issue_json(repo, issue)

    def pull_payload(self, repo: FakeRepo, pull: FakePull) -> dict[str, Any]:
        return self._pull_json(repo, pull)


class _Refusal(web.HTTPException):
    """A GitHub error answer: its status and GitHub's `{"message": ...}` body."""

    def __init__(self, status: int, message: str) -> None:
        self.status_code = status
        super().__init__(
            text=json.dumps({"message": message, "documentation_url": "https://docs.github.com"}),
            content_type="application/json",
        )


def _error(status: int, message: str) -> web.HTTPException:
    return _Refusal(status, message)


@dataclass
class RunningFake:
    github: FakeGitHub
    runner: web.AppRunner
    url: str


async def start_fake_github(root: Path, app_id: int, public_key_pem: str) -> RunningFake:
    """Start the fake on a free port of 127.0.0.1."""
    github = FakeGitHub(root, app_id, public_key_pem)
    runner = web.AppRunner(github.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    github.url = f"http://127.0.0.1:{port}"
    return RunningFake(github, runner, github.url)
