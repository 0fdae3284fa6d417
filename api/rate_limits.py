"""Rate limits: per IP on the whole API, and on failed password or second-factor
checks (logins, turning 2FA on or off) per IP and per account.

In memory in the embedded mode; in Redis when `MCC_REDIS_URL` is set, so every
API process counts against the same window.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from mcc.config import Settings
from mcc.security.errors import RateLimited


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage: Storage = (
            RedisStorage(
                settings.redis_url.replace("redis://", "async+redis://", 1),
                implementation="redispy",
                key_prefix="mcc",
            )
            if settings.redis_url
            else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._api = RateLimitItemPerMinute(settings.rate_limit_per_minute)
        self._login = RateLimitItemPerMinute(settings.login_failures_per_minute)

    async def _retry_after(self, item: RateLimitItem, *ids: str) -> int:
        stats = await self._limiter.get_window_stats(item, *ids)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def hit_api(self, ip: str) -> None:
        if not await self._limiter.hit(self._api, "api", ip):
            raise RateLimited(
                "too many requests; slow down", await self._retry_after(self._api, "api", ip)
            )

    async def check_login(self, ip: str, account: str) -> None:
        """Refuse a credential check while the IP or the account has too many recent failures."""
        for scope, key in (("login-ip", ip), ("login-account", account)):
            if not await self._limiter.test(self._login, scope, key):
                raise RateLimited(
                    "too many failed attempts to sign in; wait a minute and try again",
                    await self._retry_after(self._login, scope, key),
                )

    async def login_failed(self, ip: str, account: str) -> None:
        await self._limiter.hit(self._login, "login-ip", ip)
        await self._limiter.hit(self._login, "login-account", account)
