"""The bot's token (MCC_TELEGRAM_BOT_TOKEN, else the one set on the settings page, sealed)
and the getUpdates offset."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.errors import MccError
from mcc.models.telegram import TelegramBot
from mcc.security.secret_box import SecretBox

BOT_ROW = 1
_CONTEXT = "telegram_bot:1:token"


class Forbidden(MccError):
    code = "forbidden"
    status = 403


async def _row(session: AsyncSession) -> TelegramBot:
    row = await session.get(TelegramBot, BOT_ROW)
    if row is None:
        row = TelegramBot(id=BOT_ROW, update_offset=0, updated_at=utcnow())
        session.add(row)
        await session.flush()
    return row


async def bot_token(session: AsyncSession, settings: Settings, box: SecretBox) -> str | None:
    if settings.telegram_bot_token is not None:
        return settings.telegram_bot_token.get_secret_value() or None
    row = await session.get(TelegramBot, BOT_ROW)
    if row is None or row.token_enc is None:
        return None
    return box.open(row.token_enc, _CONTEXT)


async def token_source(session: AsyncSession, settings: Settings) -> str | None:
    """Where the token comes from ("environment", "settings") or None when there is none."""
    if settings.telegram_bot_token is not None:
        return "environment"
    row = await session.get(TelegramBot, BOT_ROW)
    return "settings" if row is not None and row.token_enc is not None else None


async def set_bot_token(
    session: AsyncSession, box: SecretBox, token: str | None, user_id: int
) -> None:
    """Store the token sealed (None removes it); only its setter may replace a set token."""
    row = await _row(session)
    if row.token_enc is not None and row.set_by not in (None, user_id):
        raise Forbidden("the Telegram bot was set up by another account")
    row.set_by = user_id if token else None
    row.token_enc = box.seal(token, _CONTEXT) if token else None
    row.update_offset = 0  # another bot's updates are numbered afresh
    row.updated_at = utcnow()
    await session.commit()


async def update_offset(session: AsyncSession) -> int:
    row = await session.get(TelegramBot, BOT_ROW)
    return row.update_offset if row is not None else 0


async def set_update_offset(session: AsyncSession, offset: int) -> None:
    row = await _row(session)
    row.update_offset = max(row.update_offset, offset)
    await session.commit()
