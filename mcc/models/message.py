"""A message of a conversation, with what it cost.

`idempotency_key` makes every write by a run step happen once: a retried step
finds its message instead of writing (and paying for) a second one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped
from mcc.models.money import USD


class Message(Timestamped, Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    # Who wrote it: "user:<id>", "agent:<name>", "system" or "tool:<name>".
    author: Mapped[str] = mapped_column(String(120))
    # Its role in the LLM conversation: system | user | assistant | tool; or "notice", for
    # the person only (`mcc.conversations.NOTICE`), which no model is sent.
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")
    tool_calls: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    tool_call_id: Mapped[str | None] = mapped_column(String(120))
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[Decimal] = mapped_column(USD, default=Decimal(0))
    idempotency_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    # What a tool result meant for the run (finish, artifact, error), kept for retries.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The message this one answers (in the same conversation), shown as a reply.
    reply_to: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
