"""Spent and reserved USD of one budget level on one budget day.

The row of a level is locked (`SELECT ... FOR UPDATE`) while a reservation or
settlement changes it, so concurrent workers never both take the last dollar.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base
from mcc.models.money import USD


class BudgetLedger(Base):
    __tablename__ = "budget_ledger"
    __table_args__ = (UniqueConstraint("owner_id", "day", "level_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    level_key: Mapped[str] = mapped_column(String(160))
    scope: Mapped[str] = mapped_column(String(16))
    # No foreign key: the ledger is history and outlives a deleted project.
    project_id: Mapped[int | None]
    agent_name: Mapped[str | None] = mapped_column(String(100))
    spent_usd: Mapped[Decimal] = mapped_column(USD, default=Decimal(0))
    reserved_usd: Mapped[Decimal] = mapped_column(USD, default=Decimal(0))
    # When the 80% / 100% alert of this level and day went out (once each).
    warning_sent_at: Mapped[datetime | None]
    critical_sent_at: Mapped[datetime | None]
