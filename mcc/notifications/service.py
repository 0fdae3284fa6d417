"""`notify(owner, Notification)`: the one way MCC tells a person something.

The row is stored once per (owner, key); then each channel the person wants
for that kind gets it once: a delivery row is claimed before sending, so a
retried activity, a replayed run or two workers racing never send twice. A
claim that crashed mid-send stays claimed: a lost message is preferred to a
doubled one. Only a `failed` delivery (the outside world erred) is tried again
by the next call for the same key.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.store import insert_or_merge
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.models.notification_channel import NotificationDelivery
from mcc.notifications.base import Delivery, Notifier
from mcc.notifications.notification import Notification, StoredNotification
from mcc.notifications.preferences import enabled_channels
from mcc.notifications.store import load_by_key, store_once

log = logging.getLogger(__name__)


class Notifications:
    def __init__(self, db: Database, notifiers: Sequence[Notifier]) -> None:
        self.db = db
        self.notifiers = list(notifiers)

    async def notify(self, owner_id: int, note: Notification) -> StoredNotification:
        """Store `note` for the owner (once per key) and deliver it on their channels."""
        async with self.db.sessions() as session:
            row, _ = await store_once(session, owner_id, note)
        await self.deliver(row)
        return row

    async def deliver_stored(self, owner_id: int, key: str) -> None:
        """Deliver a row stored elsewhere (budget alerts are stored with their ledger)."""
        async with self.db.sessions() as session:
            row = await load_by_key(session, owner_id, key)
        if row is not None:
            await self.deliver(row)

    async def deliver(self, row: StoredNotification) -> None:
        async with self.db.sessions() as session:
            wanted = await enabled_channels(session, row.owner_id, row.kind)
        for notifier in self.notifiers:
            if notifier.channel not in wanted:
                continue
            async with self.db.sessions() as session:
                if not await _claim(session, row.id, notifier.channel.value):
                    continue
            try:
                outcome = await notifier.send(row)
            except Exception as exc:  # a channel's bug must not stop the others
                log.exception("notifier %s failed on notification %s", notifier.channel, row.id)
                outcome = Delivery("failed", type(exc).__name__)
            async with self.db.sessions() as session:
                await _settle(session, row.id, notifier.channel.value, outcome)


async def _claim(session: AsyncSession, notification_id: int, channel: str) -> bool:
    """True when this caller may send: no delivery yet, or only a failed one."""
    connection = await session.connection()
    inserted = await session.execute(
        insert_or_merge(connection, NotificationDelivery)
        .values(
            notification_id=notification_id, channel=channel, state="sending", created_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["notification_id", "channel"])
    )
    claimed = inserted.rowcount == 1  # type: ignore[attr-defined]
    if not claimed:
        retried = await session.execute(
            update(NotificationDelivery)
            .where(
                NotificationDelivery.notification_id == notification_id,
                NotificationDelivery.channel == channel,
                NotificationDelivery.state == "failed",
            )
            .values(state="sending")
        )
        claimed = retried.rowcount == 1  # type: ignore[attr-defined]
    await session.commit()
    return bool(claimed)


async def _settle(
    session: AsyncSession, notification_id: int, channel: str, outcome: Delivery
) -> None:
    await session.execute(
        update(NotificationDelivery)
        .where(
            NotificationDelivery.notification_id == notification_id,
            NotificationDelivery.channel == channel,
        )
        .values(
            state=outcome.state,
            detail=(outcome.detail or "")[:500] or None,
            delivered_at=utcnow() if outcome.state == "sent" else None,
        )
    )
    await session.commit()
