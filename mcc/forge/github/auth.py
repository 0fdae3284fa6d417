"""Credentials for GitHub: a GitHub App's installation tokens, or a personal token.

An App signs a short JWT with its private key and trades it for an installation
access token (valid one hour). Tokens are cached per installation and replaced
a few minutes before they end, so no request ever carries an expiring token.
Nothing here logs a token; `repr` of the classes shows none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from mcc.forge.errors import ForgeNotConfigured
from mcc.forge.github.app_config import GitHubAppConfig

# A token with less than this left is replaced before use: a run's step takes at
# most minutes, and GitHub refuses a token the moment its hour ends.
REFRESH_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class AppIdentity:
    app_id: int
    private_key: str = field(repr=False)

    @classmethod
    def from_config(cls, config: GitHubAppConfig) -> AppIdentity | None:
        """The App of the effective settings (page, else MCC_GITHUB_*), or None when unset."""
        if config.app_id is None:
            return None
        if config.private_key is None:
            raise ForgeNotConfigured(
                config.private_key_problem
                or "the GitHub App id is set but its private key is not (paste it on the "
                "settings page, or set MCC_GITHUB_PRIVATE_KEY_FILE)"
            )
        return cls(config.app_id, config.private_key)


@dataclass
class InstallationToken:
    token: str = field(repr=False)
    expires_at: datetime

    def fresh(self, now: datetime) -> bool:
        return self.expires_at - now > REFRESH_MARGIN


class InstallationTokens:
    """Installation tokens by installation id, fetched with `fetch` when missing or ending."""

    def __init__(self) -> None:
        self._tokens: dict[int, InstallationToken] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def get(
        self,
        installation_id: int,
        fetch: Callable[[int], Awaitable[InstallationToken]],
        now: datetime | None = None,
    ) -> str:
        """A token valid for at least REFRESH_MARGIN; one fetch however many ask at once."""
        async with self._locks.setdefault(installation_id, asyncio.Lock()):
            current = self._tokens.get(installation_id)
            moment = now or datetime.now(UTC)
            if current is None or not current.fresh(moment):
                current = await fetch(installation_id)
                self._tokens[installation_id] = current
            return current.token

    def forget(self, installation_id: int) -> None:
        """Drop a token GitHub refused (revoked early), so the next call fetches anew."""
        self._tokens.pop(installation_id, None)
