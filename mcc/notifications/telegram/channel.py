"""The Telegram channel: a notification to the owner's linked chat, paced, 429-aware."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from mcc.config import Settings
from mcc.db.engine import Database
from mcc.models.telegram import TelegramMessage
from mcc.notifications.base import Delivery
from mcc.notifications.kinds import Channel, Kind
from mcc.notifications.notification import StoredNotification
from mcc.notifications.telegram.api import (
    BotApi,
    TelegramBlocked,
    TelegramError,
    TelegramRetryAfter,
)
from mcc.notifications.telegram.bot import bot_token
from mcc.notifications.telegram.links import link_of, mark_blocked
from mcc.notifications.telegram.pacing import Pacer
from mcc.notifications.telegram.text import render
from mcc.security.secret_box import SecretBox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A longer wait than this is not slept through inside a step: the delivery fails
# (shown as such) and the next notification tries again.
MAX_RETRY_AFTER_S = 60.0

APPROVE, REJECT = "a", "r"


def decision_buttons(notification_id: int) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [
                {"text": "✅ Approve", "callback_data": f"{APPROVE}:{notification_id}"},
                {"text": "❌ Reject", "callback_data": f"{REJECT}:{notification_id}"},
            ]
        ]
    }


class TelegramNotifier:
    channel = Channel.TELEGRAM

    def __init__(self, db: Database, settings: Settings, box: SecretBox, pacer: Pacer) -> None:
        self.db = db
        self.settings = settings
        self.box = box
        self.pacer = pacer
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    async def api(self) -> BotApi | None:
        """The Bot API client, or None while no token is configured."""
        async with self.db.sessions() as session:
            token = await bot_token(session, self.settings, self.box)
        if token is None:
            return None
        return self.bot_api(token)

    def bot_api(self, token: str) -> BotApi:
        """The Bot API client for `token` at the configured base URL (MCC_TELEGRAM_API_URL)."""
        return BotApi(self.settings.telegram_api_url, token, self.client)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def send(self, note: StoredNotification) -> Delivery:
        api = await self.api()
        async with self.db.sessions() as session:
            link = await link_of(session, note.owner_id)
        if api is None:
            return Delivery("unlinked", "no Telegram bot token is configured")
        if link is None:
            return Delivery("unlinked", "no Telegram chat is linked")
        if link.state != "linked":
            return Delivery("blocked", link.detail)
        chunks = render(note, self.settings.public_url)
        buttons = decision_buttons(note.id) if _decidable(note) else None
        try:
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                sent = await self.send_text(api, link.chat_id, chunk, buttons if last else None)
            if buttons is not None:
                async with self.db.sessions() as session:
                    session.add(
                        TelegramMessage(
                            notification_id=note.id,
                            chat_id=link.chat_id,
                            message_id=int(sent["message_id"]),
                        )
                    )
                    await session.commit()
        except TelegramBlocked as exc:
            async with self.db.sessions() as session:
                await mark_blocked(session, note.owner_id, exc.message)
            return Delivery("blocked", exc.message)
        except TelegramError as exc:
            log.warning("Telegram delivery of notification %s failed: %s", note.id, exc.message)
            return Delivery("failed", exc.message)
        return Delivery("sent")

    async def send_text(
        self, api: BotApi, chat_id: int, text: str, markup: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send one message within the pacing limits, waiting out a 429's retry_after."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.pacer.wait(chat_id)
            try:
                return await api.send_message(chat_id, text, markup)
            except TelegramRetryAfter as exc:
                if exc.retry_after > MAX_RETRY_AFTER_S or attempt == MAX_ATTEMPTS:
                    raise
                self.pacer.hold(chat_id, exc.retry_after)
        raise AssertionError("unreachable")


def _decidable(note: StoredNotification) -> bool:
    return note.kind == Kind.APPROVAL_NEEDED and note.decision is not None
