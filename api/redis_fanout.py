"""python-socketio's Redis fan-out on a channel of MCC's own Redis database,
listened to from the start.

Redis's pub/sub channels belong to the server, not to a database, and
python-socketio publishes on "socketio" unless told otherwise: two MCC
installations sharing one Redis server under two database numbers (as operators
share a Redis) delivered each other's events to their sockets, whose rooms
("project:1", "conversation:3") have the same names in both. The channel is
named after the database, so the processes of one installation (all given the
same `MCC_REDIS_URL`) share it and nothing else does.

python-socketio subscribes to the channel when the first socket connects. A tab
that reconnects to a restarted API process joins its rooms and is caught up from
the log at once; what a worker published between that catch-up and the
subscription reached neither, and nothing told the tab (it finds a gap only at
the room's next event, and the last message of a run has none). So an API
process subscribes before it serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import parse_qs, urlsplit

import socketio

log = logging.getLogger(__name__)


def fanout_channel(redis_url: str) -> str:
    parts = urlsplit(redis_url)
    database = parts.path.strip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    return f"mcc-socketio-{database}"


def redis_manager(redis_url: str, *, write_only: bool = False) -> socketio.AsyncRedisManager:
    channel = fanout_channel(redis_url)
    # Named in Redis's CLIENT LIST after its channel: an operator sees whose connections these are.
    options = {"client_name": channel}
    return socketio.AsyncRedisManager(
        redis_url, channel=channel, write_only=write_only, redis_options=options
    )


async def listen_before_serving(sio: socketio.AsyncServer, wait_s: float) -> bool:
    """Start the server's fan-out listener now and wait until it has subscribed.

    False when Redis did not take the subscription within `wait_s`: the listener goes
    on trying in the background, as it does when Redis goes away later.
    """
    manager = sio.manager
    if not sio.manager_initialized:  # what python-socketio does at the first connection
        sio.manager_initialized = True
        manager.initialize()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    # `subscribed` once SUBSCRIBE is on the wire: Redis handles a connection's commands in
    # order, so every PUBLISH it receives after that reaches this process.
    while manager.pubsub is None or not manager.pubsub.subscribed:
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def keep_tabs_caught_up(sio: socketio.AsyncServer, check_s: float = 0.5) -> None:
    """Tell this process's sockets to catch up each time the fan-out listener subscribes again.

    The listener loses its connection when Redis restarts or the network drops it, and
    python-socketio subscribes again after a backoff (1 s, doubling): what the workers
    published meanwhile reached no socket here, and a room whose last event that was
    (a run waiting for its approval) would show nothing more. The tabs answer `catch_up`
    with a `sync` naming where they stand in each room: the log replays what they missed,
    or says resync when Redis lost it.

    python-socketio subscribes again on a new `pubsub` and drops the old one unclosed,
    which redis-py has meanwhile reconnected and subscribed again itself: an unread
    connection Redis fills until its buffer limit, one more per cut. It is closed here.
    """
    manager = sio.manager
    listening = manager.pubsub
    while True:
        await asyncio.sleep(check_s)
        current = manager.pubsub
        if current is listening or current is None or not current.subscribed:
            continue
        dropped, listening = listening, current
        if dropped is not None:
            with contextlib.suppress(Exception):  # a dead connection's close may fail: go on
                await dropped.aclose()
        log.info("subscribed to Redis's fan-out again: the tabs here catch up")
        await sio.emit("catch_up", {}, ignore_queue=True)  # this process's sockets only


async def stop_listening(sio: socketio.AsyncServer) -> None:
    """End the fan-out listener and its connections (python-socketio never does): a
    stopped server must not stay subscribed in a process that goes on."""
    manager = sio.manager
    thread = getattr(manager, "thread", None)
    if isinstance(thread, asyncio.Task):
        thread.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await thread
    if isinstance(manager, socketio.AsyncRedisManager):
        if manager.pubsub is not None:
            await manager.pubsub.aclose()
        if manager.redis is not None:
            await manager.redis.aclose()
