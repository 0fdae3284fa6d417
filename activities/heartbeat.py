"""Heartbeats for activities that may outlive a worker.

With a heartbeat timeout Temporal notices a dead worker within seconds and
retries the activity elsewhere, instead of waiting for the whole
start-to-close timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")


async def heartbeating(work: Awaitable[T], every_s: float = 1.0) -> T:
    task = asyncio.ensure_future(work)
    while True:
        done, _ = await asyncio.wait({task}, timeout=every_s)
        if done:
            return task.result()
        activity.heartbeat()
