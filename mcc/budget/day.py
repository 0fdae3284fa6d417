"""The budget day: limits reset at midnight in the configured time zone, not in UTC."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=16)
def budget_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def budget_day(now: datetime, zone: ZoneInfo | str) -> date:
    """The budget day `now` (an aware datetime) falls on."""
    if isinstance(zone, str):
        zone = budget_zone(zone)
    return now.astimezone(zone).date()
