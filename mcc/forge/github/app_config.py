"""The GitHub App's effective settings: what was set on the settings page, else MCC_GITHUB_*.

The page's values live in one `system_state` row (`github_app`), secrets sealed
with AES-256-GCM (base64 in the JSON, each bound to its field by the sealing's
associated data). A key/value row rather than a table of its own: it is one
install-wide record read a few times a minute, and no migration is needed.
Every process (API and worker) reads the effective values through a
`GitHubAppConfigSource`, cached for a few seconds, so a change on the page
reaches the webhook check and the App's tokens of every process within
`CACHE_SECONDS` (at once in the process that saved it).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import MccError
from mcc.models.system_state import SystemState
from mcc.security.keyring import Keyring
from mcc.security.secret_box import SecretBox, SecretUnreadable

STATE_KEY = "github_app"
CACHE_SECONDS = 15.0
DEFAULT_API_URL = "https://api.github.com"

Source = Literal["settings", "environment"]
PAGE: Source = "settings"
ENV: Source = "environment"


class SettingsForbidden(MccError):
    code = "forbidden"
    status = 403


def sealed_context(name: str) -> str:
    return f"system_state:{STATE_KEY}:{name}"


@dataclass(frozen=True)
class GitHubAppConfig:
    """The values every GitHub call and the webhook check use; `sources` says where each came from."""

    app_id: int | None
    private_key: str | None = field(repr=False)
    webhook_secret: str | None = field(repr=False)
    api_url: str
    sources: dict[str, Source | None] = field(default_factory=dict, compare=False)
    # Why the key could not be read (e.g. MCC_GITHUB_PRIVATE_KEY_FILE missing), for the page.
    private_key_problem: str | None = None

    @property
    def fingerprint(self) -> str:
        """Changes whenever the App's identity changes (its cached tokens are then dropped)."""
        key = hashlib.sha256((self.private_key or "").encode()).hexdigest()
        return f"{self.app_id}|{self.api_url}|{key}"


@dataclass(frozen=True)
class StoredGitHubApp:
    """The settings page's row as stored (secrets still sealed)."""

    app_id: int | None = None
    api_url: str | None = None
    private_key_enc: bytes | None = field(default=None, repr=False)
    webhook_secret_enc: bytes | None = field(default=None, repr=False)
    set_by: int | None = None

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> StoredGitHubApp:
        def sealed(name: str) -> bytes | None:
            text = value.get(name)
            if not isinstance(text, str):
                return None
            try:
                return base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                return None

        app_id = value.get("app_id")
        api_url = value.get("api_url")
        set_by = value.get("set_by")
        return cls(
            app_id=app_id if isinstance(app_id, int) else None,
            api_url=api_url if isinstance(api_url, str) and api_url else None,
            private_key_enc=sealed("private_key_enc"),
            webhook_secret_enc=sealed("webhook_secret_enc"),
            set_by=set_by if isinstance(set_by, int) else None,
        )

    def to_json(self) -> dict[str, Any]:
        def text(data: bytes | None) -> str | None:
            return base64.b64encode(data).decode() if data is not None else None

        return {
            "app_id": self.app_id,
            "api_url": self.api_url,
            "private_key_enc": text(self.private_key_enc),
            "webhook_secret_enc": text(self.webhook_secret_enc),
            "set_by": self.set_by,
        }


async def load_stored(session: AsyncSession) -> StoredGitHubApp:
    row = await session.get(SystemState, STATE_KEY)
    return StoredGitHubApp.from_json(row.value) if row is not None else StoredGitHubApp()


_UNSET: Any = object()


async def save_stored(
    session: AsyncSession,
    box: SecretBox,
    user_id: int,
    *,
    app_id: int | None = _UNSET,
    api_url: str | None = _UNSET,
    private_key: str | None = _UNSET,
    webhook_secret: str | None = _UNSET,
) -> StoredGitHubApp:
    """Change the fields given (None clears one, back to the environment's value).

    The App decides where every person's GitHub work goes, so once set only the
    account that set it may change it (as with the Telegram bot).
    """
    current = await load_stored(session)
    if current.set_by not in (None, user_id) and _has_values(current):
        raise SettingsForbidden("the GitHub App was set up by another account")
    values = current.to_json()
    if app_id is not _UNSET:
        values["app_id"] = app_id
    if api_url is not _UNSET:
        values["api_url"] = api_url or None
    if private_key is not _UNSET:
        sealed = box.seal(private_key, sealed_context("private_key")) if private_key else None
        values["private_key_enc"] = base64.b64encode(sealed).decode() if sealed else None
    if webhook_secret is not _UNSET:
        sealed = (
            box.seal(webhook_secret, sealed_context("webhook_secret")) if webhook_secret else None
        )
        values["webhook_secret_enc"] = base64.b64encode(sealed).decode() if sealed else None
    stored = StoredGitHubApp.from_json(values)
    stored = replace(stored, set_by=user_id if _has_values(stored) else None)
    row = await session.get(SystemState, STATE_KEY)
    if row is None:
        session.add(SystemState(key=STATE_KEY, value=stored.to_json(), updated_at=utcnow()))
    else:
        row.value = stored.to_json()
        row.updated_at = utcnow()
    await session.commit()
    return stored


def _has_values(stored: StoredGitHubApp) -> bool:
    return any(
        v is not None
        for v in (stored.app_id, stored.api_url, stored.private_key_enc, stored.webhook_secret_enc)
    )


def _env_private_key(settings: Settings) -> tuple[str | None, str | None]:
    """The key from MCC_GITHUB_PRIVATE_KEY or the file, and why it could not be read."""
    if settings.github_private_key is not None:
        return settings.github_private_key.get_secret_value() or None, None
    if settings.github_private_key_file is None:
        return None, None
    path = Path(settings.github_private_key_file).expanduser()
    try:
        return path.read_text(), None
    except OSError as exc:
        return None, f"MCC_GITHUB_PRIVATE_KEY_FILE {path} cannot be read ({exc.strerror})"


def effective(settings: Settings, stored: StoredGitHubApp, box: SecretBox) -> GitHubAppConfig:
    """The page's values where set, else the environment's."""
    sources: dict[str, Source | None] = {}

    def pick(name: str, page: Any, env: Any) -> Any:
        if page is not None:
            sources[name] = PAGE
            return page
        sources[name] = ENV if env is not None else None
        return env

    problem = None
    key: str | None
    if stored.private_key_enc is not None:
        try:
            key = box.open(stored.private_key_enc, sealed_context("private_key"))
        except SecretUnreadable as exc:
            key, problem = None, f"the stored private key is unreadable: {exc.message}"
        sources["private_key"] = PAGE
    else:
        key, problem = _env_private_key(settings)
        configured = settings.github_private_key or settings.github_private_key_file
        sources["private_key"] = ENV if configured is not None else None
    secret: str | None
    if stored.webhook_secret_enc is not None:
        try:
            secret = box.open(stored.webhook_secret_enc, sealed_context("webhook_secret"))
        except SecretUnreadable:
            secret = None  # every delivery is then refused: never trust an unchecked hook
        sources["webhook_secret"] = PAGE
    else:
        env_secret = settings.github_webhook_secret
        secret = env_secret.get_secret_value() or None if env_secret is not None else None
        sources["webhook_secret"] = ENV if secret else None
    app_id = pick("app_id", stored.app_id, settings.github_app_id)
    env_url = settings.github_api_url if settings.github_api_url != DEFAULT_API_URL else None
    api_url = pick("api_url", stored.api_url, env_url) or DEFAULT_API_URL
    return GitHubAppConfig(
        app_id=app_id,
        private_key=key,
        webhook_secret=secret,
        api_url=api_url.rstrip("/"),
        sources=sources,
        private_key_problem=problem,
    )


class GitHubAppConfigSource:
    """The effective GitHub App settings of this process, reread at most every `ttl_s` seconds."""

    def __init__(
        self, db: Database, settings: Settings, keys: Keyring, ttl_s: float = CACHE_SECONDS
    ) -> None:
        self.db = db
        self.settings = settings
        self.keys = keys
        self.ttl_s = ttl_s
        self._cached: tuple[float, GitHubAppConfig] | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> GitHubAppConfig:
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self.ttl_s:
            return self._cached[1]
        async with self._lock:
            if self._cached is not None and time.monotonic() - self._cached[0] < self.ttl_s:
                return self._cached[1]
            config = await self._load()
            self._cached = (time.monotonic(), config)
            return config

    def invalidate(self) -> None:
        """Forget the cached values (after this process saved new ones)."""
        self._cached = None

    async def _load(self) -> GitHubAppConfig:
        async with self.db.sessions() as session:
            stored = await load_stored(session)
        return effective(self.settings, stored, self.keys.secrets)
