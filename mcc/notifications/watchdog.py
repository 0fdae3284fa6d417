"""The watchdog: a run that made no progress for MCC_STALL_MINUTES while not waiting for
the person is told once (the key names the last progress; a new stall is a new key)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from mcc.db.base import utcnow
from mcc.notifications.runs import stalled_runs
from mcc.notifications.service import Notifications
from mcc.notifications.store import load_by_key

log = logging.getLogger(__name__)


async def check_stalls(
    notifications: Notifications, stall_after: timedelta, now: datetime | None = None
) -> int:
    """Notify each newly stalled run; returns how many were told now."""
    now = now or utcnow()
    async with notifications.db.sessions() as session:
        stalls = await stalled_runs(session, now, stall_after)
        fresh = [
            s for s in stalls if await load_by_key(session, s.owner_id, s.notification.key) is None
        ]
    for stall in fresh:
        await notifications.notify(stall.owner_id, stall.notification)
    return len(fresh)


async def run_watchdog(
    notifications: Notifications,
    stall_after: timedelta,
    interval_s: float,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Look for stalled runs every `interval_s` until cancelled (the worker process runs it)."""
    while True:
        try:
            await check_stalls(notifications, stall_after, clock())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("watchdog check failed")
        await asyncio.sleep(interval_s)
