"""Heartbeats for activities that may outlive a worker.

With a heartbeat timeout Temporal notices a dead worker within seconds and
retries the activity elsewhere, instead of waiting for the whole
start-to-close timeout.

The beat is a timer on the loop, not a task around the work: awaiting the work
directly costs no loop iteration, where a task and `asyncio.wait` cost three, for
every step of every run (bench/README.md). A cancelled activity
cancels its work, whose own clean-up (the sandbox's kill, the gateway's hold
release) then runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")


async def heartbeating(work: Awaitable[T], every_s: float = 1.0) -> T:
    loop = asyncio.get_running_loop()
    timer: asyncio.TimerHandle

    def beat() -> None:
        # Runs in a copy of this context, which holds the activity's.
        nonlocal timer
        activity.heartbeat()
        timer = loop.call_later(every_s, beat)

    timer = loop.call_later(every_s, beat)
    try:
        return await work
    finally:
        timer.cancel()
