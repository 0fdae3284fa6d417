"""Counting turns of the event loop: a test's way to see that code did not suspend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class LoopTurns:
    def __init__(self) -> None:
        self.count = 0

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0)
            self.count += 1


@asynccontextmanager
async def loop_turns() -> AsyncIterator[LoopTurns]:
    """A counter that goes up once per turn of the running loop while the block runs."""
    turns = LoopTurns()
    ticker = asyncio.create_task(turns._tick())
    await asyncio.sleep(0)  # the ticker is running before the block starts
    try:
        yield turns
    finally:
        ticker.cancel()
