"""The worst-case cost of one LLM call, held at every level until the call is settled.

Keyed by the caller's idempotency key: a retried call finds its reservation
(or, once settled, its usage) instead of reserving and paying again.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped
from mcc.models.money import USD


class BudgetReservation(Timestamped, Base):
    __tablename__ = "budget_reservations"
    __table_args__ = (
        Index("ix_budget_reservations_owner_state_expiry", "owner_id", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    project_id: Mapped[int | None]
    agent_name: Mapped[str | None] = mapped_column(String(100))
    amount_usd: Mapped[Decimal] = mapped_column(USD)
    cost_usd: Mapped[Decimal | None] = mapped_column(USD)
    state: Mapped[str] = mapped_column(String(16))  # reserved | settled | released
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
