"""MCC on its own event loop in a thread, for synchronous clients (schemathesis).

The pytest-asyncio loop is blocked while a synchronous test runs, so a server
living on that loop could not answer; this one has a loop of its own.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

from api.server import MccServer
from mcc.config import Settings


class ThreadedMcc:
    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        self.settings = settings
        self.kwargs = kwargs
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: MccServer | None = None

    def call(self, coro: Any, timeout: float = 60) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def start(self) -> MccServer:
        self.thread.start()

        async def start() -> MccServer:
            server = MccServer(self.settings, **self.kwargs)
            await server.start()
            return server

        self.server = self.call(start())
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
