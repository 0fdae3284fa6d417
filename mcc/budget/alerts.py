"""Budget alerts: at 80% of a level a warning, at 100% a critical, each once per level per day.

An alert is decided while the level's ledger row is locked (its `*_sent_at`
columns say what already went out), stored as a notification in the same
transaction, and emitted as `budget_alert` to the owner's room after commit.
The notification's unique dedupe key backs the once-per-day rule up.

"100%" also covers the budget being used up in practice: with reservations,
spending rarely lands exactly on the limit, because the call that would pass
it is refused first. So a refusal at a level already past the warning
threshold raises the critical alert too (that is when runs stop); refusing one
oversized call while most of the budget is left does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.ledger import LedgerRow
from mcc.budget.money import usd
from mcc.budget.store import insert_or_merge
from mcc.events import EventSink, user_room
from mcc.models.notification import Notification

WARNING_AT = Decimal("0.8")
AlertLevel = Literal["warning", "critical"]


@dataclass(frozen=True)
class Alert:
    owner_id: int
    level: AlertLevel
    scope: str
    level_key: str
    project_id: int | None
    agent: str | None
    day: date
    current: Decimal
    limit: Decimal
    reason: Literal["threshold", "call_refused"]

    @property
    def dedupe_key(self) -> str:
        return f"budget_alert:{self.day.isoformat()}:{self.level_key}:{self.level}"

    def payload(self) -> dict[str, Any]:
        """The `budget_alert` event of the realtime contract, plus which level it is about."""
        return {
            "level": self.level,
            "current": float(self.current),
            "limit": float(self.limit),
            "scope": self.scope,
            "project_id": self.project_id,
            "agent": self.agent,
            "day": self.day.isoformat(),
            "reason": self.reason,
        }

    def notification_payload(self) -> dict[str, Any]:
        """The stored notification's payload: the event plus what a person reads."""
        payload = self.payload()
        title, message = budget_title(payload)
        return {**payload, "title": title, "message": message, "link": "/budget", "urgent": True}


def budget_title(payload: dict[str, Any]) -> tuple[str, str]:
    """Title and message of a budget alert payload (stored with the ledger row)."""
    scope = str(payload.get("scope") or "budget")
    who = {
        "global": "The daily budget",
        "project": f"Project {payload.get('project_id')}'s budget",
        "agent": f"Agent {payload.get('agent')}'s budget",
    }.get(scope, "A budget")
    current, limit = Decimal(str(payload.get("current", 0))), Decimal(str(payload.get("limit", 0)))
    share = int(current / limit * 100) if limit else 100
    if payload.get("level") == "critical":
        title = f"{who} is used up ({share}%)"
        message = f"{usd(current)} of {usd(limit)}: runs wait until it is raised or the day ends."
    else:
        title = f"{who} is at {share}%"
        message = f"{usd(current)} of {usd(limit)} spent today."
    return title, message


def due_level(
    spent: Decimal,
    limit: Decimal | None,
    *,
    warning_sent: bool,
    critical_sent: bool,
    refused: bool,
) -> AlertLevel | None:
    """Which alert a level owes now (None: none), given what it already sent today."""
    if limit is None:
        return None
    past_warning = spent >= limit * WARNING_AT
    if not critical_sent and (spent >= limit or (refused and past_warning)):
        return "critical"
    if not warning_sent and past_warning and not refused:
        return "warning"
    return None


def alert_due(
    row: LedgerRow,
    *,
    owner_id: int,
    day: date,
    limit: Decimal | None,
    now: datetime,
    refused: bool,
) -> Alert | None:
    """The alert this level owes now, if any, marked as sent on `row` (a locked ledger row)."""
    level = due_level(
        row.spent,
        limit,
        warning_sent=row.warning_sent_at is not None,
        critical_sent=row.critical_sent_at is not None,
        refused=refused,
    )
    if level is None or limit is None:
        return None
    if level == "critical":
        row.critical_sent_at = now
        row.warning_sent_at = row.warning_sent_at or now  # a later warning would be noise
    else:
        row.warning_sent_at = now
    row.dirty = True
    return Alert(
        owner_id=owner_id,
        level=level,
        scope=row.scope,
        level_key=row.level_key,
        project_id=row.project_id,
        agent=row.agent_name,
        day=day,
        current=row.spent,
        limit=limit,
        reason="call_refused" if refused and row.spent < limit else "threshold",
    )


async def store_alerts(conn: AsyncConnection, alerts: list[Alert], now: datetime) -> None:
    """One notification per alert; an alert already stored today is ignored."""
    if not alerts:
        return
    rows = [
        {
            "owner_id": alert.owner_id,
            "kind": "budget_alert",
            "level": alert.level,
            "payload": alert.notification_payload(),
            "dedupe_key": alert.dedupe_key,
            "created_at": now,
        }
        for alert in alerts
    ]
    statement = insert_or_merge(conn, Notification).on_conflict_do_nothing(
        index_elements=[Notification.owner_id, Notification.dedupe_key]
    )
    await conn.execute(statement, rows)


async def emit_alerts(events: EventSink, alerts: list[Alert]) -> None:
    for alert in alerts:
        await events.emit("budget_alert", alert.payload(), user_room(alert.owner_id))
