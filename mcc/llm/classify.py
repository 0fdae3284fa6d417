"""Turning a provider's failure into a typed LLMError: the one place that decides a retry posture.

429 and 5xx are retryable and carry the server's Retry-After (the activity
makes it the next retry delay); 401/403 (the key) and 402 (no credit) are not
retried and reach the person with the provider's reason; other 4xx are the
request's fault and not retried either. The SDK's exceptions are read here
and nowhere else.

Providers disagree on error bodies — OpenAI/OpenRouter `{"error": {"message"}}`,
Ollama `{"error": "..."}`, vLLM `{"message": ...}`, FastAPI `{"detail": ...}`,
a proxy's HTML page — so the reason is dug out of whichever is there, cut
short, and scrubbed of the API key (some providers echo a wrong key back).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2
import openai

from mcc.llm.endpoint import display_url
from mcc.llm.errors import (
    LLMAuthError,
    LLMBadRequest,
    LLMError,
    LLMNoCredit,
    LLMRateLimited,
    LLMServerError,
    LLMTimeout,
    LLMUnreachable,
)

_MAX_REASON_CHARS = 500


def redact(text: str, secret: str | None) -> str:
    """`text` with every occurrence of the secret masked.

    Providers that echo a wrong key already mask its middle ("sk-abc****wxyz");
    this catches the ones that echo it whole.
    """
    if not secret:
        return text
    return text.replace(secret, "[redacted]")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _rate_limit_reset(error: Any) -> float | None:
    """OpenRouter puts the reset time (epoch ms) in error.metadata.headers when Retry-After is absent."""
    if not isinstance(error, dict):
        return None
    metadata = error.get("metadata")
    headers = metadata.get("headers") if isinstance(metadata, dict) else None
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if str(name).lower() == "x-ratelimit-reset":
            try:
                return max(0.0, float(value) / 1000 - time.time())
            except (TypeError, ValueError):
                return None
    return None


def _reason_from_error(error: Any) -> str | None:
    if isinstance(error, str):
        return error
    if not isinstance(error, dict):
        return None
    message = error.get("message")
    reason = message if isinstance(message, str) else None
    metadata = error.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("raw"), str):
        # OpenRouter wraps an upstream failure as "Provider returned error"
        # and puts the upstream's own words in metadata.raw.
        provider = metadata.get("provider_name") or "upstream"
        detail = f"{provider}: {metadata['raw']}"
        reason = f"{reason} ({detail})" if reason else detail
    return reason


def _reason(body: Any, text: str) -> str:
    reason: str | None = None
    if isinstance(body, dict):
        reason = _reason_from_error(body.get("error"))
        if reason is None and isinstance(body.get("message"), str):
            reason = body["message"]
        if reason is None and body.get("detail") is not None:
            detail = body["detail"]
            reason = detail if isinstance(detail, str) else json.dumps(detail)
    if reason is None:
        reason = " ".join(text.split()) or "no details given"
    if len(reason) > _MAX_REASON_CHARS:
        reason = reason[:_MAX_REASON_CHARS] + "…"
    return reason


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def error_for_status(
    status: int,
    headers: Mapping[str, str],
    text: str,
    *,
    base_url: str,
    secret: str | None,
) -> LLMError:
    """The typed error for a non-2xx answer to a request sent to `base_url`."""
    body = _json(text)
    reason = redact(_reason(body, text), secret)
    where = f"LLM provider {display_url(base_url)}"
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is None and isinstance(body, dict):
            retry_after = _rate_limit_reset(body.get("error"))
        hint = f"; retry after {retry_after:g}s" if retry_after is not None else ""
        return LLMRateLimited(
            f"{where} is rate limiting requests (429): {reason}{hint}",
            retry_after_s=retry_after,
        )
    if status == 402:
        return LLMNoCredit(
            f"{where} refused the call for lack of credit (402): {reason}",
            reason=reason,
            status_code=status,
        )
    if status in (401, 403):
        return LLMAuthError(
            f"{where} refused the API key ({status}): {reason}",
            reason=reason,
            status_code=status,
        )
    if status == 408:
        return LLMTimeout(f"{where} timed out the request (408): {reason}")
    if status >= 500:
        return LLMServerError(
            f"{where} failed ({status}): {reason}",
            status_code=status,
            retry_after_s=parse_retry_after(headers.get("retry-after")),
        )
    if 300 <= status < 400:
        location = redact(headers.get("location", "?"), secret)
        reason = f"redirected to {location}; check the base URL"
    return LLMBadRequest(
        f"{where} rejected the request ({status}): {reason}",
        reason=reason,
        status_code=status,
    )


def error_in_payload(error: Any, *, base_url: str, secret: str | None) -> LLMError:
    """The typed error for an `error` object inside a 200 answer or a stream chunk.

    OpenRouter reports failures that happen after the response has started this
    way, with the would-be HTTP status as `error.code`.
    """
    code = error.get("code") if isinstance(error, dict) else None
    text = json.dumps({"error": error})
    if isinstance(code, int) and 400 <= code < 600:
        return error_for_status(code, {}, text, base_url=base_url, secret=secret)
    # No HTTP-like code (e.g. "server_error"): the generation broke off upstream.
    reason = redact(_reason({"error": error}, text), secret)
    return LLMServerError(f"LLM provider {display_url(base_url)} failed while answering: {reason}")


def error_for_sdk(exc: openai.APIError, *, base_url: str, secret: str | None) -> LLMError:
    """The typed error for whatever the `openai` SDK raised for a request to `base_url`."""
    where = display_url(base_url)
    if isinstance(exc, openai.APIStatusError):
        response = exc.response
        try:
            text = response.text
        except httpx2.ResponseNotRead:
            text = ""
        return error_for_status(
            exc.status_code, response.headers, text, base_url=base_url, secret=secret
        )
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeout(f"LLM provider {where} did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        detail = redact(f"{type(cause).__name__}: {cause}".rstrip(": "), secret) if cause else ""
        if isinstance(cause, httpx2.ConnectError):
            return LLMUnreachable(f"Cannot reach LLM provider {where} ({detail})")
        return LLMServerError(f"Connection to LLM provider {where} broke off ({detail})")
    # An error object inside a 200 stream (OpenRouter, once the answer has started).
    return error_in_payload(exc.body, base_url=base_url, secret=secret)
