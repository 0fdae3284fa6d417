"""getUpdates long-polling (run by the worker process unless webhook mode is configured,
see `webhook`): links chats, takes button presses."""

from __future__ import annotations

import asyncio
import logging

from mcc.db.engine import Database
from mcc.notifications.telegram.api import TelegramError
from mcc.notifications.telegram.bot import count_attempt, set_update_offset, update_offset
from mcc.notifications.telegram.channel import TelegramNotifier
from mcc.notifications.telegram.updates import TelegramUpdates

log = logging.getLogger(__name__)

IDLE_S = 5.0  # no token configured yet: look again this often


class TelegramPoller:
    def __init__(
        self, db: Database, notifier: TelegramNotifier, updates: TelegramUpdates, poll_s: int
    ) -> None:
        self.db = db
        self.notifier = notifier
        self.updates = updates
        self.poll_s = poll_s
        self._unhooked: str | None = None  # the token's hash whose webhook we deleted

    async def run(self) -> None:
        """Until cancelled; errors of Telegram are logged, counted where health reads them,
        and retried with a backoff."""
        backoff = 1.0
        while True:
            try:
                handled = await self.poll_once()
                backoff = 1.0
                if handled is None:
                    await asyncio.sleep(IDLE_S)
                else:
                    await count_attempt(self.db, None)
            except asyncio.CancelledError:
                raise
            except TelegramError as exc:
                log.warning("Telegram getUpdates failed: %s", exc.message)
                await count_attempt(self.db, exc.message)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
            except Exception as exc:
                log.exception("Telegram update handling failed")
                await count_attempt(self.db, type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)

    async def poll_once(self) -> int | None:
        """Read and handle one batch of updates; None when no bot is configured."""
        api = await self.notifier.api()
        if api is None:
            return None
        if api.token_hash != self._unhooked:
            # Telegram refuses getUpdates while a webhook is set: one left from webhook
            # mode (MCC_TELEGRAM_WEBHOOK_URL unset since) goes, its pending updates kept.
            await api.delete_webhook()
            self._unhooked = api.token_hash
        async with self.db.sessions() as session:
            offset = await update_offset(session)
        batch = await api.get_updates(offset, self.poll_s)
        for item in batch:
            try:
                await self.updates.handle(api, item)
            finally:
                # Moved past even when handling failed: one bad update must not jam the bot.
                async with self.db.sessions() as session:
                    await set_update_offset(session, int(item["update_id"]) + 1)
        return len(batch)
