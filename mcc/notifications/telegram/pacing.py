"""Telegram's sending limits: about one message per second per chat, 30 per second overall."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        per_chat_interval_s: float = 1.0,
        global_per_second: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_chat = per_chat_interval_s
        self.global_limit = global_per_second
        self.clock = clock
        self._next_per_chat: dict[int, float] = {}
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        """Sleep until a message to `chat_id` may go out, and count it as sent."""
        async with self._lock:
            while True:
                now = self.clock()
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                delay = max(0.0, self._next_per_chat.get(chat_id, 0.0) - now)
                if len(self._recent) >= self.global_limit:
                    delay = max(delay, 1.0 - (now - self._recent[0]))
                if delay <= 0:
                    break
                await asyncio.sleep(delay)
            self._recent.append(now)
            self._next_per_chat[chat_id] = now + self.per_chat

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked to wait (429 retry_after): nothing to this chat before then."""
        until = self.clock() + seconds
        self._next_per_chat[chat_id] = max(self._next_per_chat.get(chat_id, 0.0), until)
