"""Something the person should see later too (the realtime event may have had no listener)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class Notification(Timestamped, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # e.g. "budget_alert:2026-11-25:project:3:warning": at most one such row.
        UniqueConstraint("owner_id", "dedupe_key"),
        Index("ix_notifications_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(16))  # info | warning | critical
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime | None]
