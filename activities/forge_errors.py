"""A remote forge's refusals as Temporal's retry posture.

A rate limit is retried after exactly the delay the forge asked for (never a
tight loop); refused credentials or a refused request are not retried at all:
the run stops in needs_attention with the cause, for a person to act on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from temporalio.exceptions import ApplicationError

from mcc.forge.errors import (
    ForgeAppNotInstalled,
    ForgeAuthFailed,
    ForgeNoAccess,
    ForgeNotConfigured,
    ForgeRateLimited,
    ForgeRefused,
    ForgeRepoNotFound,
)

P = ParamSpec("P")
T = TypeVar("T")

FINAL = (
    ForgeAuthFailed,
    ForgeRefused,
    ForgeNoAccess,
    ForgeNotConfigured,
    ForgeRepoNotFound,
    ForgeAppNotInstalled,
)


def forge_posture(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Wrap an activity that talks to a forge (apply under `@activity.defn`)."""

    @wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except ForgeRateLimited as exc:
            raise ApplicationError(
                exc.message,
                type=exc.code,
                next_retry_delay=timedelta(seconds=exc.retry_after),
            ) from exc
        except FINAL as exc:
            raise ApplicationError(exc.message, type=exc.code, non_retryable=True) from exc

    return wrapper
