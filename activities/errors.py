"""Domain errors become Temporal's retry posture in one place.

A refusal the workflow handles itself (budget, emergency pause) and any error
that retrying cannot fix (a missing sandbox, a 4xx-like `MccError`, an LLM error
that is not retryable) is non-retryable, with the error's name or code as its `type`, which
the workflows match; a provider's Retry-After becomes the next retry's delay.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import ParamSpec, TypeVar

from temporalio.exceptions import ApplicationError

from mcc.budget.errors import BudgetExceeded, SystemPaused
from mcc.db.unavailable import DatabaseUnavailable
from mcc.errors import MccError
from mcc.llm.errors import LLMError
from mcc.sandbox.errors import SandboxUnavailable

P = ParamSpec("P")
T = TypeVar("T")

WAITABLE = {"BudgetExceeded", "SystemPaused"}


def application_error(exc: MccError) -> ApplicationError:
    if isinstance(exc, BudgetExceeded | SystemPaused):
        return ApplicationError(exc.message, type=type(exc).__name__, non_retryable=True)
    if isinstance(exc, SandboxUnavailable):  # a person must install or repair it: no retry
        return ApplicationError(exc.message, type=exc.code, non_retryable=True)
    if isinstance(exc, LLMError):
        # The provider's Retry-After (429, 503) is the next attempt's delay.
        delay = timedelta(seconds=exc.retry_after_s) if exc.retry_after_s else None
        return ApplicationError(
            exc.message, type=exc.code, non_retryable=not exc.retryable, next_retry_delay=delay
        )
    if isinstance(exc, DatabaseUnavailable):  # for the Temporal UI: which database, and why
        return ApplicationError(exc.detail, type=exc.code)
    return ApplicationError(exc.message, type=exc.code, non_retryable=exc.status < 500)


def domain_errors(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Raise an activity's `MccError` as the `ApplicationError` Temporal acts on."""

    @functools.wraps(fn)
    async def mapped(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except MccError as exc:
            raise application_error(exc) from exc

    return mapped
