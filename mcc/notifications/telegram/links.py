"""Linking a person's Telegram chat: a one-time code shown in MCC, sent as `/start <code>`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.models.telegram import TelegramLink, TelegramLinkCode


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


@dataclass(frozen=True)
class LinkCode:
    code: str
    expires_at: datetime


async def new_link_code(
    session: AsyncSession, owner_id: int, lifetime: timedelta, now: datetime | None = None
) -> LinkCode:
    """A fresh code for the owner (earlier unused codes of theirs stop working)."""
    now = now or utcnow()
    await session.execute(
        delete(TelegramLinkCode).where(
            TelegramLinkCode.owner_id == owner_id, TelegramLinkCode.used_at.is_(None)
        )
    )
    code = secrets.token_urlsafe(12)
    expires = now + lifetime
    session.add(
        TelegramLinkCode(
            code_hash=_hash(code), owner_id=owner_id, expires_at=expires, created_at=now
        )
    )
    await session.commit()
    return LinkCode(code, expires)


async def redeem_link_code(
    session: AsyncSession,
    code: str,
    chat_id: int,
    username: str | None,
    now: datetime | None = None,
) -> int | None:
    """Link `chat_id` to the code's owner; the owner's id, or None (unknown, used, expired)."""
    now = now or utcnow()
    claimed = await session.execute(
        update(TelegramLinkCode)
        .where(
            TelegramLinkCode.code_hash == _hash(code),
            TelegramLinkCode.used_at.is_(None),
            TelegramLinkCode.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        return None
    owner_id = await session.scalar(
        select(TelegramLinkCode.owner_id).where(TelegramLinkCode.code_hash == _hash(code))
    )
    assert owner_id is not None
    # One chat belongs to one person: linking it elsewhere moves it.
    await session.execute(
        delete(TelegramLink).where(
            TelegramLink.chat_id == chat_id, TelegramLink.owner_id != owner_id
        )
    )
    link = await session.get(TelegramLink, owner_id)
    if link is None:
        link = TelegramLink(owner_id=owner_id, chat_id=chat_id)
        session.add(link)
    link.chat_id, link.username = chat_id, username
    link.state, link.detail, link.linked_at, link.state_at = "linked", None, now, now
    await session.commit()
    return owner_id


async def link_of(session: AsyncSession, owner_id: int) -> TelegramLink | None:
    return await session.get(TelegramLink, owner_id)


async def owner_of_chat(session: AsyncSession, chat_id: int) -> int | None:
    return await session.scalar(
        select(TelegramLink.owner_id).where(
            TelegramLink.chat_id == chat_id, TelegramLink.state == "linked"
        )
    )


async def mark_blocked(session: AsyncSession, owner_id: int, detail: str) -> None:
    """The chat refused the bot: shown on the settings page, not retried until relinked."""
    link = await session.get(TelegramLink, owner_id)
    if link is not None:
        link.state, link.detail, link.state_at = "blocked", detail[:500], utcnow()
        await session.commit()


async def unlink(session: AsyncSession, owner_id: int) -> None:
    await session.execute(delete(TelegramLink).where(TelegramLink.owner_id == owner_id))
    await session.commit()
