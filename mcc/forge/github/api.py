"""GitHub's REST API through PyGithub, with MCC's credentials and error posture.

PyGithub is synchronous, so each call runs in a thread. It is built with no
retries of its own: a rate limit becomes `ForgeRateLimited` with the delay
GitHub asked for, and Temporal owns the waiting (never a sleeping thread or a
tight loop here).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, TypeVar

import httpx
import requests
from github import Auth, Github, GithubException, GithubIntegration

from mcc.config import Settings
from mcc.errors import MccError, ServiceUnavailable
from mcc.forge.errors import (
    ForgeAppNotInstalled,
    ForgeAuthFailed,
    ForgeNoAccess,
    ForgeNotConfigured,
    ForgeRateLimited,
    ForgeRefused,
    ForgeRepoNotFound,
)
from mcc.forge.github.app_config import GitHubAppConfig, GitHubAppConfigSource
from mcc.forge.github.auth import AppIdentity, InstallationToken, InstallationTokens

T = TypeVar("T")
TIMEOUT_S = 30


@dataclass(frozen=True)
class Credentials:
    """How one project reaches GitHub: its App installation, or a personal token."""

    installation_id: int | None = None
    personal_token: str | None = field(default=None, repr=False)


def rate_limit_delay(status: int, headers: dict[str, str], now: float) -> float | None:
    """Seconds GitHub asks us to wait, or None when the answer is no rate limit.

    Secondary limits say `Retry-After`; primary ones `X-RateLimit-Remaining: 0`
    with the reset time (docs.github.com, "rate limits for the REST API").
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if status not in (403, 429):
        return None
    if "retry-after" in lowered:
        try:
            return max(1.0, float(lowered["retry-after"]))
        except ValueError:
            return 60.0
    if lowered.get("x-ratelimit-remaining") == "0":
        try:
            return max(1.0, float(lowered.get("x-ratelimit-reset", "0")) - now)
        except ValueError:
            return 60.0
    return 60.0 if status == 429 else None


def translate(exc: GithubException, what: str) -> MccError:
    """One GitHub error as the domain error a run or a person can act on."""
    headers = dict(exc.headers or {})
    data = exc.data if isinstance(exc.data, dict) else {}
    message = exc.message or str(data.get("message", ""))
    delay = rate_limit_delay(exc.status, headers, time.time())
    if delay is not None:
        return ForgeRateLimited(f"GitHub rate-limited {what}; retry in {delay:.0f} s", delay)
    if exc.status == 401:
        return ForgeAuthFailed(
            f"GitHub refused MCC's credentials while {what} (token revoked or expired)"
        )
    if exc.status == 404:
        return ForgeRepoNotFound(f"GitHub found nothing while {what} (unknown, or no access)")
    if exc.status == 403:
        return ForgeNoAccess(f"GitHub denied {what}: {message}")
    if exc.status in (405, 409, 422):
        return ForgeRefused(f"GitHub refused {what}: {message}")
    return ServiceUnavailable(f"GitHub answered {exc.status} while {what}")


class GitHubApi:
    """Clients for GitHub with a project's credentials (tokens cached per installation).

    The App's id, key and the API's URL are read from `config` on every use (the
    settings page may change them while MCC runs); a changed App drops the
    tokens and ETags of the old one.
    """

    def __init__(self, settings: Settings, config: GitHubAppConfigSource) -> None:
        self.settings = settings
        self.config = config
        self.tokens = InstallationTokens()
        # path -> (ETag, JSON) of conditional reads; small: a few entries per open issue.
        self._etags: dict[str, tuple[str, Any]] = {}
        self._fingerprint: str | None = None
        self._app_login: str | None = None

    async def _current(self) -> GitHubAppConfig:
        config = await self.config.current()
        if self._fingerprint is not None and config.fingerprint != self._fingerprint:
            self.tokens = InstallationTokens()
            self._etags.clear()
            self._app_login = None
        self._fingerprint = config.fingerprint
        return config

    async def call(
        self, what: str, fn: Callable[[], T], credentials: Credentials | None = None
    ) -> T:
        """Run one PyGithub call in a thread; its errors as domain errors.

        A refused installation token is forgotten, so that the person's retry fetches
        a new one (GitHub revokes tokens early, e.g. when permissions change).
        """
        try:
            return await asyncio.to_thread(fn)
        except GithubException as exc:
            error = translate(exc, what)
            installation = credentials.installation_id if credentials else None
            if isinstance(error, ForgeAuthFailed) and installation is not None:
                self.tokens.forget(installation)
            raise error from None
        except requests.RequestException as exc:
            raise ServiceUnavailable(
                f"GitHub could not be reached while {what} ({type(exc).__name__})"
            ) from None

    def client(self, token: str, base_url: str) -> Github:
        return Github(
            auth=Auth.Token(token),
            base_url=base_url,
            timeout=TIMEOUT_S,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=self.settings.github_write_interval_s or None,
        )

    async def _integration(self) -> GithubIntegration:
        config = await self._current()
        app = AppIdentity.from_config(config)
        if app is None:
            raise ForgeNotConfigured(
                "no GitHub App is configured (on the settings page or MCC_GITHUB_APP_ID); "
                "give the project a personal token instead"
            )
        return GithubIntegration(
            auth=Auth.AppAuth(str(app.app_id), app.private_key),
            base_url=config.api_url,
            timeout=TIMEOUT_S,
            retry=None,
        )

    async def app_login(self) -> str | None:
        """The App's own bot login (`<slug>[bot]`, from GET /app), or None without an App."""
        config = await self._current()
        if config.app_id is None:
            return None
        if self._app_login is None:
            integration = await self._integration()
            app = await self.call("reading the GitHub App", integration.get_app)
            self._app_login = f"{app.slug}[bot]"
        return self._app_login

    async def installation_for(self, repo: str) -> int:
        """The App's installation on `owner/name`, or ForgeAppNotInstalled."""
        integration = await self._integration()
        owner, _, name = repo.partition("/")
        try:
            installation = await asyncio.to_thread(integration.get_repo_installation, owner, name)
        except GithubException as exc:
            if exc.status == 404:
                raise ForgeAppNotInstalled(
                    f"the GitHub App is not installed on {repo} (or {repo} does not exist)"
                ) from None
            raise translate(exc, f"looking up the App's installation on {repo}") from None
        return int(installation.id)

    async def _fetch_token(self, installation_id: int) -> InstallationToken:
        integration = await self._integration()
        auth = await self.call(
            "creating an installation token",
            lambda: integration.get_access_token(installation_id),
        )
        expires = auth.expires_at
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return InstallationToken(auth.token, expires)

    async def token(self, credentials: Credentials) -> str:
        if credentials.installation_id is not None:
            return await self.tokens.get(credentials.installation_id, self._fetch_token)
        if credentials.personal_token:
            return credentials.personal_token
        raise ForgeNotConfigured("the project has neither a GitHub App installation nor a token")

    async def github(self, credentials: Credentials) -> Github:
        token = await self.token(credentials)
        return self.client(token, (await self._current()).api_url)

    async def read(self, credentials: Credentials, path: str, what: str) -> Any:
        """GET `path` as JSON, conditionally: what MCC read before is asked for with its
        ETag, and a 304 (which costs no rate-limit quota) answers from the cache."""
        gh = await self.github(credentials)
        cached = self._etags.get(path)
        headers = {"If-None-Match": cached[0]} if cached else None

        def get() -> tuple[int, dict[str, Any], str]:
            status, response_headers, body = gh.requester.requestJson("GET", path, headers=headers)
            if status >= 400:
                raise GithubException(status, json.loads(body) if body else None, response_headers)
            return status, response_headers, body

        status, response_headers, body = await self.call(what, get, credentials)
        if status == 304 and cached is not None:
            return cached[1]
        data = json.loads(body)
        etag = {k.lower(): v for k, v in response_headers.items()}.get("etag")
        if etag:
            self._etags[path] = (str(etag), data)
        return data

    async def tail(self, credentials: Credentials, path: str, what: str, limit: int) -> str:
        """The last `limit` bytes of a text GitHub serves by redirect (a job's log).

        GitHub answers with a short-lived signed URL on its storage: that download is a
        plain one, without MCC's token, and only the tail is kept in memory."""
        gh = await self.github(credentials)

        def locate() -> str:
            status, headers, body = gh.requester.requestJson("GET", path)
            if status >= 400:
                raise GithubException(status, json.loads(body) if body else None, headers)
            location = {k.lower(): v for k, v in headers.items()}.get("location")
            if not location:
                raise GithubException(502, {"message": "no redirect to the log"}, headers)
            return str(location)

        location = await self.call(what, locate, credentials)
        kept = b""
        try:
            async with (
                httpx.AsyncClient(timeout=TIMEOUT_S) as client,
                client.stream("GET", location) as response,
            ):
                if response.status_code >= 400:
                    raise ServiceUnavailable(f"{what}: storage answered {response.status_code}")
                async for chunk in response.aiter_bytes():
                    kept = (kept + chunk)[-limit:]
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"{what}: {type(exc).__name__}") from None
        return kept.decode(errors="replace")

    async def write(
        self, credentials: Credentials, verb: str, path: str, body: dict[str, Any], what: str
    ) -> Any:
        gh = await self.github(credentials)
        _, data = await self.call(
            what, lambda: gh.requester.requestJsonAndCheck(verb, path, input=body), credentials
        )
        return data


def git_auth(token: str) -> list[tuple[str, str]]:
    """git configuration that authenticates one command (GitHub takes Basic with any user)."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return [("http.extraHeader", f"Authorization: Basic {basic}")]
