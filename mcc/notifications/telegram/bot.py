"""The bot's token (MCC_TELEGRAM_BOT_TOKEN, else the one set on the settings page, sealed),
checked with Telegram before it is stored; the getUpdates offset, and the failures of
whatever receives the bot's updates (the poller, or the worker's webhook checks)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import InvalidInput, MccError, ServiceUnavailable
from mcc.models.telegram import TelegramBot
from mcc.notifications.telegram.api import BotApi, TelegramError
from mcc.security.secret_box import SecretBox

log = logging.getLogger(__name__)

BOT_ROW = 1
SEALED_CONTEXT = "telegram_bot:1:token"


class Forbidden(MccError):
    code = "forbidden"
    status = 403


# Failures in a row (of getUpdates, or webhook checks) before health reports them: one or
# two are a network hiccup that the next attempt rides out.
POLL_FAILURES_REPORTED = 3


class TelegramTokenRefused(InvalidInput):
    code = "telegram_token_refused"


class TelegramUnreachable(ServiceUnavailable):
    code = "telegram_unreachable"


async def check_bot_token(api: BotApi, api_url: str) -> None:
    """Ask Telegram whose token it is (getMe) before it is stored: a token Telegram does not
    know would otherwise be saved and the bot would stay silent, with no sign why."""
    try:
        await api.get_me()
    except TelegramError as exc:
        # 401 for a token of no bot; 404 when it is not even shaped like one.
        if exc.error_code in (401, 404):
            raise TelegramTokenRefused(
                f"Telegram refused the bot token ({exc.message}): copy it again from"
                " @BotFather. Nothing was saved."
            ) from None
        raise TelegramUnreachable(
            f"Telegram cannot be reached at {api_url} ({exc.message}), so the token could not"
            " be checked and nothing was saved: try again in a moment, or check"
            " MCC_TELEGRAM_API_URL."
        ) from None


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
    return box.open(row.token_enc, SEALED_CONTEXT)


async def token_source(session: AsyncSession, settings: Settings) -> str | None:
    """Where the token comes from ("environment", "settings") or None when there is none."""
    if settings.telegram_bot_token is not None:
        return "environment"
    row = await session.get(TelegramBot, BOT_ROW)
    return "settings" if row is not None and row.token_enc is not None else None


async def ensure_may_set(session: AsyncSession, user_id: int) -> TelegramBot:
    """The bot's row, if `user_id` may change its token: only its setter may replace a set one."""
    row = await _row(session)
    if row.token_enc is not None and row.set_by not in (None, user_id):
        raise Forbidden("the Telegram bot was set up by another account")
    return row


async def set_bot_token(
    session: AsyncSession, box: SecretBox, token: str | None, user_id: int
) -> None:
    """Store the token sealed (None removes it)."""
    row = await ensure_may_set(session, user_id)
    row.set_by = user_id if token else None
    row.token_enc = box.seal(token, SEALED_CONTEXT) if token else None
    row.update_offset = 0  # another bot's updates are numbered afresh
    row.poll_failures, row.poll_error = 0, None  # the old token's failures say nothing now
    row.updated_at = utcnow()
    await session.commit()


async def update_offset(session: AsyncSession) -> int:
    row = await session.get(TelegramBot, BOT_ROW)
    return row.update_offset if row is not None else 0


async def set_update_offset(session: AsyncSession, offset: int) -> None:
    row = await _row(session)
    row.update_offset = max(row.update_offset, offset)
    await session.commit()


async def record_poll(session: AsyncSession, error: str | None) -> None:
    """Count a failed getUpdates or webhook check (`error` says why), or clear the count
    after a good one."""
    row = await session.get(TelegramBot, BOT_ROW)
    if error is None:
        if row is not None and row.poll_failures:
            row.poll_failures, row.poll_error = 0, None
            await session.commit()
        return
    row = row or await _row(session)
    row.poll_failures += 1
    row.poll_error = error[:500]
    await session.commit()


async def count_attempt(db: Database, error: str | None) -> None:
    """`record_poll` in a session of its own, for the loops that receive the updates: a
    database that does not answer must not stop them."""
    try:
        async with db.sessions() as session:
            await record_poll(session, error)
    except Exception:
        log.warning("could not record the Telegram bot's state", exc_info=True)


async def poll_problem(session: AsyncSession, settings: Settings) -> str | None:
    """A sentence while the last attempts to receive the bot's updates all failed (None
    otherwise)."""
    if await token_source(session, settings) is None:
        return None
    row = await session.get(TelegramBot, BOT_ROW)
    if row is None or row.poll_failures < POLL_FAILURES_REPORTED:
        return None
    if settings.telegram_webhook_url:
        return (
            f"Telegram: the bot's webhook failed its last {row.poll_failures} checks"
            f" ({row.poll_error}); buttons pressed in Telegram and chat links wait until it"
            f" works. Check that {settings.telegram_webhook_url}"
            " (MCC_TELEGRAM_WEBHOOK_URL) can be reached from the internet over HTTPS, and the"
            " bot token on the settings page."
        )
    return (
        f"Telegram: the last {row.poll_failures} attempts to read the bot's updates failed"
        f" ({row.poll_error}); buttons pressed in Telegram and chat links wait until it"
        f" answers. Check the bot token on the settings page and that {settings.telegram_api_url}"
        " (MCC_TELEGRAM_API_URL) can be reached."
    )
