"""A webhook delivery (GitHub's, or a Telegram update), claimed once: a delivery seen
before has no effect, unless GitHub's handling of it was cut off (claimed, never
`handled_at`, long ago). See `mcc.deliveries`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, UTCDateTime, utcnow


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "github", "telegram"
    delivery_id: Mapped[str] = mapped_column(String(100), unique=True)
    event: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
