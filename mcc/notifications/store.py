"""Notification rows: stored once per (owner, key), listed, marked read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.store import insert_or_merge
from mcc.db.base import utcnow
from mcc.errors import NotFound
from mcc.models.notification import Notification as NotificationRow
from mcc.notifications.notification import Notification, StoredNotification


def stored(row: NotificationRow) -> StoredNotification:
    return StoredNotification(
        id=row.id,
        owner_id=row.owner_id,
        kind=row.kind,
        level=row.level,
        payload=dict(row.payload),
        created_at=row.created_at,
        read_at=row.read_at,
    )


async def store_once(
    session: AsyncSession, owner_id: int, note: Notification, now: datetime | None = None
) -> tuple[StoredNotification, bool]:
    """The row of (owner, key), created now if new; True when this call created it."""
    connection = await session.connection()
    statement = (
        insert_or_merge(connection, NotificationRow)
        .values(
            owner_id=owner_id,
            kind=note.kind.value,
            level=note.level,
            payload=note.payload(),
            dedupe_key=note.key,
            created_at=now or utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["owner_id", "dedupe_key"])
    )
    created = (await session.execute(statement)).rowcount == 1  # type: ignore[attr-defined]
    await session.commit()
    row = await load_by_key(session, owner_id, note.key)
    assert row is not None
    return row, created


async def load_by_key(session: AsyncSession, owner_id: int, key: str) -> StoredNotification | None:
    row = await session.scalar(
        select(NotificationRow).where(
            NotificationRow.owner_id == owner_id, NotificationRow.dedupe_key == key
        )
    )
    return stored(row) if row is not None else None


async def list_for(
    session: AsyncSession, owner_id: int, *, limit: int = 50, unread_only: bool = False
) -> tuple[list[StoredNotification], int]:
    """The owner's newest notifications first, and how many are unread."""
    query = select(NotificationRow).where(NotificationRow.owner_id == owner_id)
    if unread_only:
        query = query.where(NotificationRow.read_at.is_(None))
    rows = await session.scalars(
        query.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc()).limit(limit)
    )
    return [stored(row) for row in rows], await unread_count(session, owner_id)


async def unread_count(session: AsyncSession, owner_id: int) -> int:
    """How many of the owner's notifications are unread (the bell's count)."""
    unread = await session.scalar(
        select(func.count())
        .select_from(NotificationRow)
        .where(NotificationRow.owner_id == owner_id, NotificationRow.read_at.is_(None))
    )
    return int(unread or 0)


async def mark_read(
    session: AsyncSession, owner_id: int, notification_id: int
) -> StoredNotification:
    """Set read_at (kept if already read); another owner's id is not found."""
    row = await session.get(NotificationRow, notification_id)
    if row is None or row.owner_id != owner_id:
        raise NotFound("no such notification")
    if row.read_at is None:
        row.read_at = utcnow()
        await session.commit()
    return stored(row)


async def mark_all_read(session: AsyncSession, owner_id: int, now: datetime | None = None) -> int:
    """Mark every unread notification of the owner read (at `now`); returns how many."""
    result = await session.execute(
        update(NotificationRow)
        .where(NotificationRow.owner_id == owner_id, NotificationRow.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
