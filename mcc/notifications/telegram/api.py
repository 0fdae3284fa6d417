"""A small client of the Telegram Bot API (only the methods MCC uses)."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from mcc.errors import MccError


class TelegramError(MccError):
    code = "telegram_error"
    status = 502

    def __init__(self, message: str, *, error_code: int = 0) -> None:
        super().__init__(message)
        self.error_code = error_code


class TelegramRetryAfter(TelegramError):
    """429: Telegram says when to try again."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, error_code=429)
        self.retry_after = retry_after


class TelegramBlocked(TelegramError):
    """403: the person blocked the bot (or the chat is gone); retrying cannot help."""


UPDATES = ["message", "callback_query"]  # what MCC reads; Telegram sends nothing else


class BotApi:
    def __init__(self, base_url: str, token: str, client: httpx.AsyncClient) -> None:
        self._url = f"{base_url.rstrip('/')}/bot{token}"
        self._client = client
        # The numeric part of the token names the bot: update ids are numbered per bot.
        self.bot_id = token.partition(":")[0]
        self.token_hash = hashlib.sha256(token.encode()).hexdigest()

    async def call(self, method: str, params: dict[str, Any], *, wait_s: float = 15) -> Any:
        try:
            response = await self._client.post(f"{self._url}/{method}", json=params, timeout=wait_s)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            # The URL holds the token: say what failed without it.
            raise TelegramError(f"Telegram {method}: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise TelegramError(
                f"Telegram {method}: HTTP {response.status_code}", error_code=response.status_code
            ) from None
        if body.get("ok"):
            return body.get("result")
        description = str(body.get("description") or f"HTTP {response.status_code}")
        code = int(body.get("error_code") or response.status_code)
        if code == 429:
            retry_after = float((body.get("parameters") or {}).get("retry_after") or 1)
            raise TelegramRetryAfter(description, retry_after)
        if code == 403:
            raise TelegramBlocked(description, error_code=code)
        raise TelegramError(description, error_code=code)

    async def get_me(self) -> dict[str, Any]:
        """The bot this token belongs to; Telegram refuses an unknown token (401/404)."""
        result: dict[str, Any] = await self.call("getMe", {})
        return result

    async def send_message(
        self, chat_id: int, text: str, reply_markup: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
        }
        if reply_markup is not None:
            params["reply_markup"] = reply_markup
        result: dict[str, Any] = await self.call("sendMessage", params)
        return result

    async def get_updates(self, offset: int, poll_s: int) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.call(
            "getUpdates",
            {
                "offset": offset,
                "timeout": poll_s,
                "allowed_updates": UPDATES,
            },
            wait_s=poll_s + 10,
        )
        return result

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Have Telegram POST updates to `url`, sending `secret_token` back in a header."""
        await self.call(
            "setWebhook", {"url": url, "secret_token": secret_token, "allowed_updates": UPDATES}
        )

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook Telegram has for this bot: its url, how many updates wait, and the
        last error Telegram met delivering them (kept after it recovers)."""
        result: dict[str, Any] = await self.call("getWebhookInfo", {})
        return result

    async def delete_webhook(self) -> None:
        """Back to getUpdates (which Telegram refuses while a webhook is set); pending
        updates are kept for the poller."""
        await self.call("deleteWebhook", {"drop_pending_updates": False})

    async def edit_message_reply_markup(
        self, chat_id: int, message_id: int, reply_markup: dict[str, Any] | None = None
    ) -> None:
        params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id}
        params["reply_markup"] = reply_markup or {"inline_keyboard": []}
        await self.call("editMessageReplyMarkup", params)

    async def answer_callback_query(self, callback_query_id: str, text: str) -> None:
        await self.call(
            "answerCallbackQuery", {"callback_query_id": callback_query_id, "text": text}
        )
