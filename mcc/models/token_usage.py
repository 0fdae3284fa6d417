"""One row per charged LLM call: who called which model, the tokens, and what it cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped
from mcc.models.money import USD


class TokenUsage(Timestamped, Base):
    __tablename__ = "token_usage"
    __table_args__ = (Index("ix_token_usage_owner_day", "owner_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The budget day (in the budget time zone) the cost was charged to.
    day: Mapped[date]
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    agent_name: Mapped[str] = mapped_column(String(100))
    agent_type: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(200))
    tokens_in: Mapped[int]
    tokens_out: Mapped[int]
    cost_usd: Mapped[Decimal] = mapped_column(USD)
    # provider (billed figure) | tokens (tokens x price) | reservation (no usage reported)
    cost_source: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[int | None]
    task_id: Mapped[str | None] = mapped_column(String(300))  # the workflow id
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
