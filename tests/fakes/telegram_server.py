"""A fake Telegram Bot API: real HTTP (uvicorn on 127.0.0.1, a free port, its own thread).

    async with telegram_server(token="123:abc") as tg:
        tg.rate_limit_next(1, retry_after=1)   # the next sendMessage answers 429
        tg.block(chat_id)                      # that chat answers 403 from now on
        tg.press(chat_id, message_id, "a:5")   # queue a button press for getUpdates
        tg.user_says(chat_id, "/start CODE")   # queue a text message
        tg.sent                                # every accepted sendMessage, in order
        tg.webhook                             # (url, secret_token) once setWebhook was called
        tg.revoke()                            # the token stops working: every call is 401
        tg.fail_deliveries("Connection refused")  # webhook POSTs fail (None: they work again)

Only the methods MCC calls: getMe, sendMessage, getUpdates (long-polling, honours
`offset` and `timeout`), editMessageReplyMarkup, answerCallbackQuery, setWebhook,
deleteWebhook, getWebhookInfo. A wrong token answers 401 like Telegram does; a text over 4096
characters answers 400. While a webhook is set, getUpdates answers 409 and the
queued updates are POSTed to it in order (with the secret token header), each
until it answers 2xx, as Telegram does; `webhook_posts` records every attempt, and a
failed one is getWebhookInfo's last error (kept after a success, as Telegram keeps it).
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.http import local_client


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    at: float


@dataclass
class FakeTelegram:
    token: str
    port: int = 0
    sent: list[SentMessage] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    rejected_429: list[float] = field(default_factory=list)
    refused_403: list[int] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _blocked: set[int] = field(default_factory=set)
    _limit_next: int = 0
    _retry_after: int = 1
    _next_update: int = 1
    _next_message: int = 100
    methods: list[str] = field(default_factory=list)  # every Bot API method called, in order
    webhook: tuple[str, str] | None = None
    webhook_posts: list[tuple[int, int]] = field(default_factory=list)  # (update_id, status)
    _confirmed: int = 0  # updates up to this id were taken by the webhook
    _delivering: asyncio.Task[None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _revoked: bool = False
    _delivery_failure: str | None = None
    _last_error: tuple[int, str] | None = None  # (unix time, message), as getWebhookInfo says

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what tests inject --------------------------------------------------------

    def rate_limit_next(self, count: int, retry_after: int = 1) -> None:
        with self._lock:
            self._limit_next, self._retry_after = count, retry_after

    def revoke(self, revoked: bool = True) -> None:
        """The token stops working (revoked in @BotFather): every call answers 401 until
        `revoke(False)`."""
        with self._lock:
            self._revoked = revoked

    def fail_deliveries(self, error: str | None = "Connection refused") -> None:
        """Telegram cannot reach the webhook (a firewall, an expired certificate): its
        POSTs fail with `error` until this is called with None."""
        self._delivery_failure = error

    def block(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.add(chat_id)

    def user_says(self, chat_id: int, text: str, username: str = "person") -> None:
        self._push(
            {
                "message": {
                    "message_id": self._new_message_id(),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": chat_id, "username": username},
                    "text": text,
                    "date": int(time.time()),
                }
            }
        )

    def press(self, chat_id: int, message_id: int, data: str, *, from_id: int | None = None) -> str:
        query_id = f"q{self._next_update}"
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": {"id": from_id if from_id is not None else chat_id},
                    "message": {"message_id": message_id, "chat": {"id": chat_id}},
                    "data": data,
                }
            }
        )
        return query_id

    def answer_to(self, query_id: str) -> str | None:
        for answer in self.answers:
            if answer.get("callback_query_id") == query_id:
                return str(answer.get("text"))
        return None

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    # -- the server ---------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> None:
        with self._lock:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)

    def _new_message_id(self) -> int:
        with self._lock:
            self._next_message += 1
            return self._next_message

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self._call, methods=["POST"])])

    async def _call(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token or self._revoked:
            return _error(401, "Unauthorized")
        body = await request.json()
        method = request.path_params["method"]
        with self._lock:
            self.methods.append(method)
        handler = {
            "getMe": self._get_me,
            "sendMessage": self._send,
            "getUpdates": self._get_updates,
            "editMessageReplyMarkup": self._edit,
            "answerCallbackQuery": self._answer,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._webhook_info,
        }.get(method)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return await handler(body)

    async def _get_me(self, body: dict[str, Any]) -> JSONResponse:
        bot_id = int(self.token.partition(":")[0])
        return _ok({"id": bot_id, "is_bot": True, "first_name": "MCC", "username": "mcc_test_bot"})

    async def _send(self, body: dict[str, Any]) -> JSONResponse:
        chat_id = int(body["chat_id"])
        text = str(body.get("text", ""))
        with self._lock:
            if chat_id in self._blocked:
                self.refused_403.append(chat_id)
                return _error(403, "Forbidden: bot was blocked by the user")
            if self._limit_next > 0:
                self._limit_next -= 1
                self.rejected_429.append(time.monotonic())
                return JSONResponse(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {self._retry_after}",
                        "parameters": {"retry_after": self._retry_after},
                    },
                    status_code=429,
                )
        if len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        message = SentMessage(
            chat_id, self._new_message_id(), text, body.get("reply_markup"), time.monotonic()
        )
        with self._lock:
            self.sent.append(message)
        return _ok({"message_id": message.message_id, "chat": {"id": chat_id}, "text": text})

    async def _get_updates(self, body: dict[str, Any]) -> JSONResponse:
        if self.webhook is not None:
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(body.get("offset") or 0)
        deadline = time.monotonic() + float(body.get("timeout") or 0)
        while True:
            with self._lock:
                first = max(offset, self._confirmed + 1)
                ready = [u for u in self._updates if u["update_id"] >= first]
            if ready or time.monotonic() >= deadline:
                return _ok(ready)
            await asyncio.sleep(0.02)

    async def _set_webhook(self, body: dict[str, Any]) -> JSONResponse:
        url, secret = str(body.get("url") or ""), str(body.get("secret_token") or "")
        if not url.startswith(("http://", "https://")):
            return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            return _error(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = (url, secret)
        if self._delivering is None or self._delivering.done():
            self._delivering = asyncio.create_task(self._deliver())
        return _ok(True)

    async def _delete_webhook(self, body: dict[str, Any]) -> JSONResponse:
        self.webhook = None
        return _ok(True)

    async def _webhook_info(self, body: dict[str, Any]) -> JSONResponse:
        with self._lock:
            waiting = [u for u in self._updates if u["update_id"] > self._confirmed]
            info: dict[str, Any] = {
                "url": self.webhook[0] if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(waiting),
            }
            if self._last_error is not None:
                info["last_error_date"], info["last_error_message"] = self._last_error
        return _ok(info)

    async def _deliver(self) -> None:
        """POST each update after the confirmed ones to the webhook, until it takes it."""
        async with local_client(timeout=10) as client:
            while (hook := self.webhook) is not None:
                url, secret = hook
                with self._lock:
                    pending = [u for u in self._updates if u["update_id"] > self._confirmed]
                if not pending:
                    await asyncio.sleep(0.02)
                    continue
                update = pending[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                error = self._delivery_failure
                if error is not None:
                    status = 0
                else:
                    try:
                        response = await client.post(url, json=update, headers=headers)
                        status = response.status_code
                        error = f"Wrong response from the webhook: {status}"
                    except httpx.HTTPError:
                        status, error = 0, "Connection refused"  # MCC not listening (yet)
                with self._lock:
                    self.webhook_posts.append((update["update_id"], status))
                    if 200 <= status < 300:
                        self._confirmed = update["update_id"]
                    else:
                        self._last_error = (int(time.time()), error)
                if not 200 <= status < 300:
                    await asyncio.sleep(0.2)  # Telegram backs off too

    async def _edit(self, body: dict[str, Any]) -> JSONResponse:
        with self._lock:
            self.edits.append(body)
        return _ok(True)

    async def _answer(self, body: dict[str, Any]) -> JSONResponse:
        with self._lock:
            self.answers.append(body)
        return _ok(True)


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": code, "description": description}, status_code=code
    )


@asynccontextmanager
async def telegram_server(token: str = "4242:fake-token") -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=token)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    fake.port = sock.getsockname()[1]
    config = uvicorn.Config(
        fake.app(),
        loop="asyncio",
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="fake-telegram", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("fake Telegram server did not start")
            await asyncio.sleep(0.01)
        yield fake
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
        sock.close()
