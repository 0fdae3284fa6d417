"""Process bodies: the embedded all-in-one process, an API-only one, a worker-only one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import socketio
import uvicorn

from api.app import create_app, with_socketio
from api.realtime import SocketEvents, create_socket_server
from api.runs import start_queued_runs
from api.temporal_link import TemporalLink
from mcc.config import Settings
from mcc.events import EventSink
from mcc.runtime import Runtime
from workflows.worker import build_worker

log = logging.getLogger(__name__)


class RedisEvents:
    """Events from a worker process, fanned out by Redis to every API process's sockets."""

    def __init__(self, url: str) -> None:
        self.manager = socketio.AsyncRedisManager(url, write_only=True)

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        await self.manager.emit(event, data, room=room)


def _socket_server(settings: Settings) -> socketio.AsyncServer:
    sio = create_socket_server(settings)
    if settings.redis_url:
        sio.manager = socketio.AsyncRedisManager(settings.redis_url)
        sio.manager.set_server(sio)
    return sio


async def serve(settings: Settings, *, api: bool = True, worker: bool = True) -> None:
    """Serve until Ctrl-C: the API (with socket.io and the SPA), the worker, or both."""
    sio = _socket_server(settings) if api else None
    events: EventSink | None = (
        SocketEvents(sio)
        if sio is not None
        else (RedisEvents(settings.redis_url) if settings.redis_url else None)
    )
    runtime = Runtime.build(settings, events)
    link = TemporalLink(settings)
    tasks: list[asyncio.Task[Any]] = []
    temporal_worker = None
    try:
        client = await link.connect()
        if worker:
            temporal_worker = build_worker(client, runtime)
            tasks.append(asyncio.create_task(temporal_worker.run(), name="temporal-worker"))
            started = await start_queued_runs(client, settings, runtime.db)
            if started:
                log.info("started %d queued run(s)", started)
        if api and sio is not None:
            app = with_socketio(create_app(runtime, link), sio)
            config = uvicorn.Config(
                app, host=settings.host, port=settings.port, log_level="info", lifespan="off"
            )
            await uvicorn.Server(config).serve()
        elif tasks:
            await asyncio.gather(*tasks)
    finally:
        if temporal_worker is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(temporal_worker.shutdown(), timeout=10)
        for task in tasks:
            task.cancel()
        await runtime.close()
