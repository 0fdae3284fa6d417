"""Rate limits: per IP on the whole API, and on failed password or second-factor
checks (logins, turning 2FA on or off) per IP and per account.

In memory in the embedded mode; in Redis when `MCC_REDIS_URL` is set, so every
API process counts against the same window. A Redis that does not answer is a
503 that names it (every request is counted there), not an internal error.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from mcc.config import Settings
from mcc.errors import ServiceUnavailable
from mcc.redis_reach import ANSWER_WITHIN_S, display_redis_url
from mcc.security.errors import RateLimited


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._redis = display_redis_url(settings.redis_url) if settings.redis_url else None
        storage: Storage = (
            RedisStorage(
                settings.redis_url.replace("redis://", "async+redis://", 1),
                implementation="redispy",
                key_prefix="mcc",
                # Whichever client `limits` uses, its failures arrive as StorageError.
                wrap_exceptions=True,
                socket_connect_timeout=ANSWER_WITHIN_S,
                socket_timeout=ANSWER_WITHIN_S,
            )
            if settings.redis_url
            else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._api = RateLimitItemPerMinute(settings.rate_limit_per_minute)
        self._login = RateLimitItemPerMinute(settings.login_failures_per_minute)

    @contextlib.contextmanager
    def _counting(self) -> Iterator[None]:
        try:
            yield
        except StorageError as exc:
            raise ServiceUnavailable(
                f"Redis at {self._redis} (MCC_REDIS_URL) does not answer, and the API counts every"
                " request there (rate limits): try again once it is back."
            ) from exc

    async def _retry_after(self, item: RateLimitItem, *ids: str) -> int:
        with self._counting():
            stats = await self._limiter.get_window_stats(item, *ids)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def hit_api(self, ip: str) -> None:
        with self._counting():
            allowed = await self._limiter.hit(self._api, "api", ip)
        if not allowed:
            raise RateLimited(
                "too many requests; slow down", await self._retry_after(self._api, "api", ip)
            )

    async def check_login(self, ip: str, account: str) -> None:
        """Refuse a credential check while the IP or the account has too many recent failures."""
        for scope, key in (("login-ip", ip), ("login-account", account)):
            with self._counting():
                allowed = await self._limiter.test(self._login, scope, key)
            if not allowed:
                raise RateLimited(
                    "too many failed attempts to sign in; wait a minute and try again",
                    await self._retry_after(self._login, scope, key),
                )

    async def login_failed(self, ip: str, account: str) -> None:
        with self._counting():
            await self._limiter.hit(self._login, "login-ip", ip)
            await self._limiter.hit(self._login, "login-account", account)
