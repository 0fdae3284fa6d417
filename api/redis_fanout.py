"""python-socketio's Redis fan-out on a channel of MCC's own Redis database.

Redis's pub/sub channels belong to the server, not to a database, and
python-socketio publishes on "socketio" unless told otherwise: two MCC
installations sharing one Redis server under two database numbers (as operators
share a Redis) delivered each other's events to their sockets, whose rooms
("project:1", "conversation:3") have the same names in both. The channel is
named after the database, so the processes of one installation (all given the
same `MCC_REDIS_URL`) share it and nothing else does.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import socketio


def fanout_channel(redis_url: str) -> str:
    parts = urlsplit(redis_url)
    database = parts.path.strip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    return f"mcc-socketio-{database}"


def redis_manager(redis_url: str, *, write_only: bool = False) -> socketio.AsyncRedisManager:
    return socketio.AsyncRedisManager(
        redis_url, channel=fanout_channel(redis_url), write_only=write_only
    )
