"""Numbered events per room, so a client that lost its socket catches up exactly.

Every event sent to a room gets the room's next sequence number; the last
`capacity` events of each room are kept. A client that reconnects names the
last `(epoch, seq)` it saw; the log answers with what came after it, or `None`
(resync: refetch) when that is no longer known — the buffer moved past it, or
the log itself was lost (a new epoch: an in-memory log after a restart, a Redis
room that expired).

In one process the log lives in memory; in scaled mode it lives in Redis, so
every API and worker process numbers a room's events from one counter and a
client may reconnect to any API process.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio as aioredis

# Events worth nothing once missed (the answer streaming token by token: the stored
# `message` follows): sent without a number, never kept.
TRANSIENT = frozenset({"message_delta"})


@dataclass(frozen=True)
class Logged:
    """One event as the log keeps it."""

    seq: int
    event: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Head:
    """Where a room's log stands: its epoch and the number of its latest event (0: none)."""

    epoch: str
    seq: int


@dataclass(frozen=True)
class Since:
    """What a client missed in a room: the events after its number, or resync."""

    head: Head
    events: list[Logged]
    resync: bool


class EventLog(Protocol):
    async def append(self, room: str, event: str, data: dict[str, Any]) -> Head: ...

    async def head(self, room: str) -> Head: ...

    async def since(self, room: str, epoch: str, seq: int) -> Since: ...


def _missed(head: Head, events: list[Logged], epoch: str, seq: int) -> Since:
    """The events after `seq`, or resync when `(epoch, seq)` is not in this log any more."""
    if seq == 0:  # saw nothing yet: everything since the room began, if still kept
        epoch = head.epoch
    if epoch != head.epoch or seq > head.seq:
        return Since(head, [], resync=True)
    if seq == head.seq:
        return Since(head, [], resync=False)
    after = [logged for logged in events if logged.seq > seq]
    if not after or after[0].seq != seq + 1:
        return Since(head, [], resync=True)
    return Since(head, after, resync=False)


class MemoryEventLog:
    """The log of one process: lost with it (clients then get resync, by the new epoch)."""

    def __init__(self, capacity: int = 500, max_rooms: int = 10_000) -> None:
        self.capacity = capacity
        self.max_rooms = max_rooms
        self.epoch = uuid.uuid4().hex
        self._rooms: OrderedDict[str, tuple[int, deque[Logged]]] = OrderedDict()

    async def append(self, room: str, event: str, data: dict[str, Any]) -> Head:
        seq, events = self._rooms.pop(room, (0, deque[Logged](maxlen=self.capacity)))
        seq += 1
        events.append(Logged(seq, event, data))
        self._rooms[room] = (seq, events)  # most recently used last
        while len(self._rooms) > self.max_rooms:
            # A forgotten room restarts at 1 under a new epoch: its clients resync.
            self._rooms.popitem(last=False)
            self.epoch = uuid.uuid4().hex
        return Head(self.epoch, seq)

    async def head(self, room: str) -> Head:
        seq, _ = self._rooms.get(room, (0, ()))
        return Head(self.epoch, seq)

    async def since(self, room: str, epoch: str, seq: int) -> Since:
        head_seq, events = self._rooms.get(room, (0, deque[Logged]()))
        return _missed(Head(self.epoch, head_seq), list(events), epoch, seq)


# Number and store in one step, so the list is in sequence order whichever process
# appends; a room that was never seen (or expired) gets a fresh epoch.
_APPEND = """
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('RPUSH', KEYS[2], cjson.encode({seq, ARGV[2], ARGV[3]}))
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return {epoch, seq}
"""


class RedisEventLog:
    """The log shared by every process of a scaled deployment (one counter per room)."""

    def __init__(
        self, url: str, capacity: int = 500, ttl_s: int = 7 * 24 * 3600, prefix: str = "mcc:rt"
    ) -> None:
        self.redis = aioredis.Redis.from_url(url)
        self.capacity = capacity
        self.ttl_s = ttl_s
        self.prefix = prefix
        self._append = self.redis.register_script(_APPEND)

    def _keys(self, room: str) -> list[str]:
        return [f"{self.prefix}:{room}:head", f"{self.prefix}:{room}:log"]

    async def append(self, room: str, event: str, data: dict[str, Any]) -> Head:
        # The data stays a JSON string inside Redis (Lua's cjson would turn {} into []).
        epoch, seq = await self._append(
            keys=self._keys(room),
            args=[uuid.uuid4().hex, event, json.dumps(data), self.capacity, self.ttl_s],
        )
        return Head(_text(epoch), int(seq))

    async def head(self, room: str) -> Head:
        epoch, seq = await self.redis.hmget(self._keys(room)[0], ["epoch", "seq"])
        return Head(_text(epoch) if epoch is not None else "", int(seq or 0))

    async def since(self, room: str, epoch: str, seq: int) -> Since:
        head_key, log_key = self._keys(room)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hmget(head_key, ["epoch", "seq"])
            pipe.lrange(log_key, 0, -1)
            (head_epoch, head_seq), raw = await pipe.execute()
        head = Head(_text(head_epoch) if head_epoch is not None else "", int(head_seq or 0))
        events = [Logged(int(s), str(e), json.loads(d)) for s, e, d in map(json.loads, raw)]
        return _missed(head, events, epoch, seq)

    async def aclose(self) -> None:
        await self.redis.aclose()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
