"""How provider failures become typed, user-showable errors."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from mcc.errors import MccError
from mcc.llm import (
    LLMAuthError,
    LLMBadRequest,
    LLMError,
    LLMNoCredit,
    LLMRateLimited,
    LLMServerError,
    LLMTimeout,
)
from mcc.llm.classify import error_for_status, parse_retry_after

BASE = "https://openrouter.ai/api/v1"
KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"


def classify(status: int, body: object, headers: dict[str, str] | None = None) -> LLMError:
    text = body if isinstance(body, str) else json.dumps(body)
    return error_for_status(status, headers or {}, text, base_url=BASE, secret=KEY)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("Sun, 01 Jun 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sun, 01 Jun 2025 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (400, LLMBadRequest, False),
        (402, LLMNoCredit, False),
        (404, LLMBadRequest, False),
        (422, LLMBadRequest, False),
        (401, LLMAuthError, False),
        (403, LLMAuthError, False),
        (408, LLMTimeout, True),
        (429, LLMRateLimited, True),
        (500, LLMServerError, True),
        (502, LLMServerError, True),
        (503, LLMServerError, True),
    ],
)
def test_status_maps_to_typed_error_with_retryability(
    status: int, kind: type[LLMError], retryable: bool
) -> None:
    error = classify(status, {"error": {"message": "why", "code": status}})
    assert type(error) is kind
    assert error.retryable is retryable
    assert "why" in str(error)


def test_llm_errors_are_domain_errors_with_gateway_statuses() -> None:
    # A provider refusing our key must not look like the user's session expiring.
    auth = classify(401, {"error": {"message": "bad key"}})
    assert isinstance(auth, MccError)
    assert auth.status == 502
    assert auth.code == "llm_auth_failed"


def test_a_key_the_provider_echoes_back_is_redacted() -> None:
    error = classify(401, {"error": {"message": f"Incorrect API key provided: {KEY}"}})
    assert isinstance(error, LLMAuthError)
    assert KEY not in str(error)
    assert KEY not in error.reason
    assert "[redacted]" in error.reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"error": "model 'llama9' not found"}, "model 'llama9' not found"),  # Ollama
        ({"object": "error", "message": "max_tokens too large"}, "max_tokens too large"),  # vLLM
        ({"detail": "Not Found"}, "Not Found"),  # FastAPI-based servers
        ("<html><body>404 Not Found</body></html>", "<html><body>404 Not Found</body></html>"),
    ],
)
def test_provider_reason_is_found_in_any_common_error_shape(body: object, reason: str) -> None:
    error = classify(404, body)
    assert isinstance(error, LLMBadRequest)
    assert error.reason == reason


def test_openrouter_upstream_detail_is_part_of_the_reason() -> None:
    body = {
        "error": {
            "message": "Provider returned error",
            "code": 400,
            "metadata": {"provider_name": "Anthropic", "raw": "prompt is too long"},
        }
    }
    error = classify(400, body)
    assert isinstance(error, LLMBadRequest)
    assert error.reason == "Provider returned error (Anthropic: prompt is too long)"


def test_long_reasons_are_cut_short() -> None:
    error = classify(500, "x" * 10_000)
    assert len(str(error)) < 700


def test_openrouter_rate_limit_reset_is_used_when_retry_after_is_missing() -> None:
    reset_ms = int((time.time() + 20) * 1000)
    body = {
        "error": {
            "message": "Rate limit exceeded",
            "code": 429,
            "metadata": {"headers": {"X-RateLimit-Reset": str(reset_ms)}},
        }
    }
    error = classify(429, body)
    assert isinstance(error, LLMRateLimited)
    assert error.retry_after_s is not None and 15 <= error.retry_after_s <= 20


def test_retry_after_header_wins_over_openrouter_reset() -> None:
    error = classify(429, {"error": {"message": "slow down"}}, {"retry-after": "3"})
    assert isinstance(error, LLMRateLimited)
    assert error.retry_after_s == 3.0
