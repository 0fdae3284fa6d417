"""Whether the Redis of `MCC_REDIS_URL` answers, told without its password.

Scaled mode counts every API request there (rate limits) and fans events out
through it, so an unreachable Redis is said at start-up and in health, in the
operator's terms: the variable to fix and where it points.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.exceptions import RedisError

# Health and start-up wait this long at most (also a blackholed address, which
# would otherwise hold a connect for minutes).
ANSWER_WITHIN_S = 2.0


def display_redis_url(url: str) -> str:
    """The URL without credentials or query, fit for logs and health."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


async def redis_problem(url: str) -> str | None:
    """Why Redis at `url` does not answer a PING, or None when it does."""
    client = aioredis.Redis.from_url(
        url, socket_connect_timeout=ANSWER_WITHIN_S, socket_timeout=ANSWER_WITHIN_S
    )
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        return str(exc) or type(exc).__name__
    finally:
        await client.aclose()
    return None
