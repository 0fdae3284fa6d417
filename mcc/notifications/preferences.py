"""Which kinds go to which channel: every kind on every channel unless the person turned it off."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.store import insert_or_merge
from mcc.errors import InvalidInput
from mcc.models.notification_channel import NotificationPreference
from mcc.notifications.kinds import Channel, Kind


@dataclass(frozen=True)
class Preference:
    kind: Kind
    channel: Channel
    enabled: bool


async def preferences_of(session: AsyncSession, owner_id: int) -> list[Preference]:
    """Every kind x channel with its setting (defaults filled in)."""
    rows = await session.scalars(
        select(NotificationPreference).where(NotificationPreference.owner_id == owner_id)
    )
    stored = {(row.kind, row.channel): row.enabled for row in rows}
    return [
        Preference(kind, channel, stored.get((kind.value, channel.value), True))
        for kind in Kind
        for channel in Channel
    ]


async def enabled_channels(session: AsyncSession, owner_id: int, kind: str) -> set[Channel]:
    rows = await session.execute(
        select(NotificationPreference.channel, NotificationPreference.enabled).where(
            NotificationPreference.owner_id == owner_id, NotificationPreference.kind == kind
        )
    )
    off = {channel for channel, enabled in rows.all() if not enabled}
    return {channel for channel in Channel if channel.value not in off}


async def set_preferences(
    session: AsyncSession, owner_id: int, changes: list[tuple[str, str, bool]]
) -> list[Preference]:
    """Store (kind, channel, enabled) choices; unknown kinds or channels are refused."""
    connection = await session.connection()
    for kind, channel, enabled in changes:
        if kind not in Kind.__members__.values() or channel not in Channel.__members__.values():
            raise InvalidInput(f"unknown notification kind or channel: {kind}/{channel}")
        statement = insert_or_merge(connection, NotificationPreference).values(
            owner_id=owner_id, kind=kind, channel=channel, enabled=enabled
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["owner_id", "kind", "channel"],
                set_={"enabled": statement.excluded.enabled},
            )
        )
    await session.commit()
    return await preferences_of(session, owner_id)
