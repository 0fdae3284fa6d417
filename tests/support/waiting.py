"""Polling for outcomes that arrive asynchronously (a run's phase, a list entry)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from sqlalchemy import select

from mcc.db.engine import Database
from mcc.models.issue import Issue

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T | None]], timeout_s: float = 30, what: str = "condition"
) -> T:
    deadline = time.monotonic() + timeout_s
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(0.1)


async def wait_for_phase(
    api: httpx.AsyncClient, project_id: int, number: int, phase: str, timeout_s: float = 30
) -> dict[str, Any]:
    last: dict[str, Any] = {}

    async def probe() -> dict[str, Any] | None:
        nonlocal last
        last = (await api.get(f"/api/projects/{project_id}/issues/{number}")).json()
        return last if last.get("phase") == phase else None

    try:
        return await eventually(probe, timeout_s, f"issue #{number} to reach {phase}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last seen: {last.get('phase')} ({last})") from None


async def wait_for_stored_phase(
    db: Database, project_id: int, number: int, phase: str, timeout_s: float = 30
) -> None:
    """`wait_for_phase` for tests that play a person in a browser: the API's rate limit
    counts per user, so the test polling the API as that person spends the page's window
    (300 requests a minute by default) and the page meets 429s. The run records each phase
    in the database, where the test can watch without being counted."""

    async def probe() -> bool:
        async with db.sessions() as session:
            stored = await session.scalar(
                select(Issue.phase).where(Issue.project_id == project_id, Issue.number == number)
            )
        return stored == phase

    await eventually(probe, timeout_s, f"issue #{number} to reach {phase} (stored)")
