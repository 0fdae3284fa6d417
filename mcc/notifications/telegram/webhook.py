"""Webhook mode (`MCC_TELEGRAM_WEBHOOK_URL` set): Telegram POSTs updates to MCC.

The worker registers the webhook (setWebhook with a secret token) instead of
polling getUpdates; the API checks the token Telegram sends back in
`X-Telegram-Bot-Api-Secret-Token` (constant time), claims the update by its id
in the same table as GitHub's deliveries (Telegram redelivers until it gets a
2xx, so a redelivery must have no effect), answers at once and hands the update
to `TelegramUpdates`, the poller's own code.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.deliveries import record_delivery
from mcc.notifications.telegram.api import BotApi, TelegramError
from mcc.notifications.telegram.bot import count_attempt
from mcc.notifications.telegram.channel import TelegramNotifier
from mcc.notifications.telegram.updates import TelegramUpdates
from mcc.security.errors import AuthError

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/api/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
CHECK_S = 5.0  # how often the worker looks whether the bot's token changed
# How often Telegram is asked whether it delivers, while it does (every CHECK_S while not:
# a problem is confirmed, and cleared, in seconds).
ASK_EVERY_S = 30.0
RECENT_ERROR_S = 600.0  # a delivery error older than this is not the reason updates wait


class BadSecretToken(AuthError):
    code = "bad_secret_token"

    def __init__(self) -> None:
        super().__init__("the Telegram secret token is missing or wrong")


def webhook_url(settings: Settings) -> str | None:
    """Where Telegram is told to send updates; None: the worker polls getUpdates."""
    if not settings.telegram_webhook_url:
        return None
    return settings.telegram_webhook_url.rstrip("/") + WEBHOOK_PATH


def check_secret_token(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise BadSecretToken()


async def claim_update(session: AsyncSession, api: BotApi, update_id: int) -> bool:
    """Record the update; False when it was received before (then it must have no effect)."""
    return await record_delivery(
        session, "telegram", f"telegram:{api.bot_id}:{update_id}", "update"
    )


class WebhookInbox:
    """Handles claimed updates after the HTTP answer, so Telegram never waits on a
    decision or on the per-chat pacing of the replies.

    Like the poller, an update whose handling fails is not tried again (one bad update
    must not jam the bot); `drain` lets a stopping server finish what it accepted.
    """

    def __init__(self, updates: TelegramUpdates) -> None:
        self.updates = updates
        self._tasks: set[asyncio.Task[None]] = set()

    def accept(self, api: BotApi, update: dict[str, Any]) -> None:
        task = asyncio.create_task(self._handle(api, update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, api: BotApi, update: dict[str, Any]) -> None:
        try:
            await self.updates.handle(api, update)
        except Exception:
            log.exception("Telegram update %s could not be handled", update.get("update_id"))

    async def drain(self, timeout_s: float) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout_s)


class WebhookRegistrar:
    """The worker's side of webhook mode: registers the webhook for the bot's token,
    again whenever the token changes (it can be set on the settings page at any time) or
    the webhook was changed elsewhere, and checks that Telegram delivers to it.

    Telegram, not MCC, sees a delivery fail (a proxy that refuses it, an expired
    certificate), so without the check health would say nothing while every button
    press waited at Telegram. Failures are counted where health reads them, like the
    poller's."""

    def __init__(self, notifier: TelegramNotifier, url: str, secret_token: str) -> None:
        self.notifier = notifier
        self.url = url
        self.secret_token = secret_token
        self._registered: str | None = None  # the token's hash the webhook was set for
        self._asked_at = -ASK_EVERY_S  # monotonic time Telegram was last asked
        self._failing = False  # what the last check found

    async def run(self) -> None:
        """Until cancelled; a failed registration or check is tried again with a backoff."""
        backoff = CHECK_S
        while True:
            try:
                api = await self.notifier.api()  # None while no token is configured
                if api is not None:
                    await self.register_once(api)
                    if self._failing or time.monotonic() - self._asked_at >= ASK_EVERY_S:
                        self._asked_at = time.monotonic()
                        await self._record(await self.delivery_problem(api))
                backoff = CHECK_S
            except asyncio.CancelledError:
                raise
            except TelegramError as exc:
                log.warning("Telegram webhook registration or check failed: %s", exc.message)
                await self._record(exc.message)
                backoff = min(backoff * 2, 300.0)
            except Exception as exc:
                log.exception("Telegram webhook registration or check failed")
                await self._record(type(exc).__name__)
                backoff = min(backoff * 2, 300.0)
            await asyncio.sleep(backoff)

    async def register_once(self, api: BotApi) -> bool:
        """Set the webhook if this bot has none from us yet; True when it was set now."""
        if api.token_hash == self._registered:
            return False
        await api.set_webhook(self.url, self.secret_token)
        self._registered = api.token_hash
        log.info("Telegram updates now arrive at %s", self.url)
        return True

    async def delivery_problem(self, api: BotApi) -> str | None:
        """Why updates do not reach MCC, as Telegram reports it; None when they do."""
        info = await api.get_webhook_info()
        if info.get("url") != self.url:
            # Changed since we set it (another server with this token?): set it again.
            self._registered = None
            return f"Telegram sends the updates to {info.get('url') or 'no webhook'}"
        waiting = int(info.get("pending_update_count") or 0)
        error = info.get("last_error_message")
        # Telegram keeps its last error after it recovers: it counts while updates wait.
        since_error_s = time.time() - float(info.get("last_error_date") or 0)
        if waiting and error and since_error_s < RECENT_ERROR_S:
            noun = "update" if waiting == 1 else "updates"
            return f"Telegram holds {waiting} undelivered {noun}; its last delivery failed: {error}"
        return None

    async def _record(self, error: str | None) -> None:
        self._failing = error is not None
        await count_attempt(self.notifier.db, error)
