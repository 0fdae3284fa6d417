"""Typed failures of an LLM call.

The client never retries: Temporal activities do. So every failure carries a
`retryable` flag the activity layer turns into a retry or into a
non-retryable `ApplicationError`, and every message is written to be shown to
the person as is — it never contains the API key or request headers (the
client redacts the key from anything a provider echoes back).

They are `MccError`s so the API's one exception handler maps them too; the
HTTP statuses are those of a gateway (502/503/504), never 401: a provider
refusing *our* key must not look like the user's session expiring.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection

from mcc.errors import MccError


class LLMError(MccError):
    """Base of every LLM failure; `str(error)` is safe to show a user.

    `retryable` and `retry_after_s` are the retry posture: the activity turns a
    retryable error into a Temporal retry (after `retry_after_s` when the
    provider said how long to wait) and any other into a non-retryable one.
    """

    code = "llm_error"
    status = 502
    retryable: bool = False
    retry_after_s: float | None = None


class LLMRateLimited(LLMError):
    """429: the provider asks us to slow down; `retry_after_s` is its hint, if any."""

    code = "llm_rate_limited"
    status = 503
    retryable = True

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class LLMServerError(LLMError):
    """5xx, a dropped connection or a garbled answer: the provider's fault, worth a retry."""

    code = "llm_server_error"
    retryable = True

    def __init__(
        self, message: str, *, status_code: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry_after_s = retry_after_s


class LLMTimeout(LLMError):
    """No answer (or no next stream chunk) within the client's timeout."""

    code = "llm_timeout"
    status = 504
    retryable = True


class LLMUnreachable(LLMError):
    """Connection refused or name not resolved: the server may come back."""

    code = "llm_unreachable"
    retryable = True


class LLMAuthError(LLMError):
    """401/403: the key is wrong, revoked or lacks access; retrying cannot help."""

    code = "llm_auth_failed"

    def __init__(self, message: str, *, reason: str, status_code: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.status_code = status_code


class LLMNoCredit(LLMError):
    """402: the provider account has no credit left; only the person can fix it."""

    code = "llm_no_credit"

    def __init__(self, message: str, *, reason: str, status_code: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.status_code = status_code


class LLMBadRequest(LLMError):
    """400/404/422 (and other 4xx): the request itself is wrong, e.g. an unknown model."""

    code = "llm_bad_request"

    def __init__(self, message: str, *, reason: str, status_code: int | None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status_code = status_code


class LLMNotConfigured(LLMError):
    """The base URL needs an API key and none is set; the message names the env var."""

    code = "llm_not_configured"
    status = 503


class UnknownModelPrice(LLMError):
    """No price is known for a model, so its cost cannot be bounded before the call."""

    code = "unknown_model_price"
    status = 422

    def __init__(self, model: str, message: str | None = None) -> None:
        # Prices are settings only (the settings page shows none): name the variable and
        # its shape, so the person can fix it without reading the source.
        example = json.dumps({model: [1e-6, 2e-6]})
        set_a_price = (
            f"No price is known for model {model!r}, so its calls cannot be budgeted: give it"
            " a price in USD per input and output token with the MCC_LLM_PRICE_OVERRIDES"
            f" setting (e.g. MCC_LLM_PRICE_OVERRIDES='{example}') and restart MCC, or"
            " choose a model your provider lists with a price."
        )
        super().__init__(message or set_a_price)
        self.model = model


class PricesUnavailable(LLMError):
    """A model's price is not known because the provider's list could not be fetched.

    Unlike UnknownModelPrice it is worth a retry: the provider may be back at the next
    attempt, and the person has nothing to fix.
    """

    code = "llm_prices_unavailable"
    status = 503
    retryable = True

    def __init__(self, model: str, cause: str) -> None:
        super().__init__(
            f"The price of model {model!r} is not known: the provider's model list could not"
            f" be fetched ({cause})."
        )
        self.model = model


class UnknownModel(UnknownModelPrice):
    """The provider's list, fetched, does not hold the model: most often a mistyped name,
    which the price's message (set an override) would send the person the wrong way."""

    code = "unknown_model"

    def __init__(self, model: str, base_url: str, listed: Collection[str]) -> None:
        near = difflib.get_close_matches(model, listed, n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        super().__init__(
            model,
            f"The provider at {base_url} does not list a model {model!r}: check its name.{hint}",
        )
