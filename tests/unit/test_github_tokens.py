"""Installation tokens: reused while fresh, replaced before their hour ends, fetched once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from mcc.forge.github.api import rate_limit_delay
from mcc.forge.github.auth import InstallationToken, InstallationTokens

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


async def test_a_token_is_reused_until_five_minutes_before_it_ends() -> None:
    tokens = InstallationTokens()
    fetched: list[int] = []

    async def fetch(installation: int) -> InstallationToken:
        fetched.append(installation)
        return InstallationToken(f"ghs_{len(fetched)}" + "x" * 200, NOW + timedelta(hours=1))

    first = await tokens.get(7, fetch, now=NOW)
    assert await tokens.get(7, fetch, now=NOW + timedelta(minutes=54)) == first
    refreshed = await tokens.get(7, fetch, now=NOW + timedelta(minutes=56))
    assert refreshed != first and refreshed.startswith("ghs_2") and len(refreshed) > 200
    assert fetched == [7, 7]


async def test_concurrent_callers_share_one_fetch_and_a_refused_token_is_fetched_again() -> None:
    tokens = InstallationTokens()
    calls = 0

    async def fetch(installation: int) -> InstallationToken:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return InstallationToken(f"t{calls}", NOW + timedelta(hours=1))

    got = await asyncio.gather(*(tokens.get(1, fetch, now=NOW) for _ in range(10)))
    assert set(got) == {"t1"} and calls == 1
    tokens.forget(1)
    assert await tokens.get(1, fetch, now=NOW) == "t2"


def test_rate_limit_answers_become_the_delay_github_asked_for() -> None:
    assert rate_limit_delay(403, {"Retry-After": "30"}, 0) == 30
    assert rate_limit_delay(429, {"retry-after": "7"}, 0) == 7
    assert (
        rate_limit_delay(403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1090"}, 1000)
        == 90
    )
    assert rate_limit_delay(403, {"X-RateLimit-Remaining": "12"}, 0) is None  # a plain 403
    assert rate_limit_delay(404, {"Retry-After": "5"}, 0) is None
