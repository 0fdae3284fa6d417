"""A TCP relay between a client and a real server that can cut every connection at
once, as a server's maximum connection age or a restarted load balancer does, or go
down altogether (connections refused) and come back on the same port, as a restarted
server does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.engine import make_url


class TcpRelay:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._pipes: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def listen(self) -> None:
        """Accept connections: on a free port the first time, on the same one after `down`."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        """Refuse new connections and drop the open ones, as a server that stopped."""
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers += [writer, up_writer]
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(_pipe(source, sink))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    def cut(self) -> None:
        """Drop every open connection (RST, no goodbye); new ones are relayed again."""
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.CancelledError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    sink.close()


@contextlib.asynccontextmanager
async def tcp_relay(target_port: int) -> AsyncIterator[TcpRelay]:
    relay = TcpRelay(target_port)
    await relay.listen()
    try:
        yield relay
    finally:
        await relay.down()
        for task in list(relay._pipes):
            task.cancel()


@contextlib.asynccontextmanager
async def relayed_database(url: str) -> AsyncIterator[tuple[str, TcpRelay]]:
    """A database URL through a relay (to restart "the server" without touching the
    machine's), and the relay."""
    real = make_url(url)
    async with tcp_relay(real.port or 5432) as relay:
        yield real.set(port=relay.port).render_as_string(hide_password=False), relay
