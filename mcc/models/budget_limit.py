"""A daily budget limit of one level: the global USD amount, or a project's or agent's share."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped, utcnow
from mcc.models.money import USD


class BudgetLimit(Timestamped, Base):
    __tablename__ = "budget_limits"
    __table_args__ = (
        UniqueConstraint("owner_id", "level_key"),
        CheckConstraint("daily_usd IS NULL OR daily_usd >= 0", name="daily_usd_non_negative"),
        CheckConstraint(
            "share_pct IS NULL OR (share_pct >= 0 AND share_pct <= 100)", name="share_pct_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(16))  # global | project | agent
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    agent_name: Mapped[str | None] = mapped_column(String(100))
    # "global", "project:<id>" or "agent:<project id>:<name>": the ledger's key too.
    level_key: Mapped[str] = mapped_column(String(160))
    daily_usd: Mapped[Decimal | None] = mapped_column(USD)  # global only
    share_pct: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))  # project and agent only
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
