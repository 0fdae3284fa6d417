"""Webhook deliveries (GitHub's, Telegram's updates) claimed once, by id, in one table.

The unique `delivery_id` decides: of two requests with the same id, in the same
instant or days apart, exactly one inserts the row and acts.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.webhook_delivery import WebhookDelivery


def delivery_key(delivery_id: str) -> str:
    """The id as stored (the column is 100 characters wide)."""
    return delivery_id[:100]


async def record_delivery(session: AsyncSession, source: str, delivery_id: str, event: str) -> bool:
    """Insert the delivery's row; False when one with this id exists (a redelivery)."""
    session.add(
        WebhookDelivery(source=source, delivery_id=delivery_key(delivery_id), event=event[:64])
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True
