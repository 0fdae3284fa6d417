"""Where notifications go besides the stored row: per-channel deliveries and the
person's channel preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class NotificationDelivery(Timestamped, Base):
    """One notification on one channel: claimed once, so a retried step never sends twice."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16))  # sent | unlinked | blocked | failed
    detail: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """An override of the default (every kind on every channel): kind x channel on or off."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("owner_id", "kind", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean)


class RunProgress(Base):
    """When a run last moved (a phase change); the watchdog compares it with its messages."""

    __tablename__ = "run_progress"

    workflow_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    progress_at: Mapped[datetime]
