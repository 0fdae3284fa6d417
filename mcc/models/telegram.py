"""Telegram: the bot (token sealed), each person's linked chat, link codes, sent messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped, utcnow


class TelegramBot(Base):
    """The one bot of this install (row id 1); its token is AES-256-GCM sealed."""

    __tablename__ = "telegram_bot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Whoever set the token is the only one who may change it (it decides where others'
    # messages go).
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # getUpdates offset: the next update to read, so a restarted poller reads none twice.
    update_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    # The getUpdates poller's failures in a row and the last one's sentence, written by the
    # worker process and read by the API's health (they may be different processes).
    poll_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    poll_error: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TelegramLink(Base):
    """The chat a person linked with `/start <code>`; `blocked` when the bot was blocked."""

    __tablename__ = "telegram_links"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    username: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16), default="linked")  # linked | blocked
    detail: Mapped[str | None] = mapped_column(String(500))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    state_at: Mapped[datetime] = mapped_column(default=utcnow)


class TelegramLinkCode(Timestamped, Base):
    """A one-time code shown on the settings page (only its hash is stored)."""

    __tablename__ = "telegram_link_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class TelegramMessage(Timestamped, Base):
    """A sent message with buttons; `decided_at` is claimed by the first press."""

    __tablename__ = "telegram_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None]
