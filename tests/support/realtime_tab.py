"""A socket.io client that keeps what a browser tab keeps: the last number per room.

It joins rooms and catches up on reconnect the way `frontend/src/lib/socket.ts` does:
events at or below the last number are duplicates, replayed events are applied in
order, and a `resync` answer is recorded (the SPA refetches then).
"""

from __future__ import annotations

from typing import Any

import socketio

ROOM_EVENTS = (
    "task_progress",
    "agent_status",
    "agent",
    "agent_removed",
    "conversation",
    "message",
    "project",
    "notification",
    "budget_alert",
    "system_state",
)


class Tab:
    def __init__(self, token: str) -> None:
        self.token = token
        self.applied: list[tuple[str, dict[str, Any]]] = []  # what the page shows, in order
        self.last: dict[str, tuple[str, int]] = {}  # room -> (epoch, seq)
        self.resyncs: list[str] = []
        self.catch_ups = 0  # the server's `catch_up` calls (its fan-out was cut and is back)
        self.joined: dict[str, dict[str, Any]] = {}  # the join events, to repeat on reconnect
        self.client: socketio.AsyncClient | None = None

    def _apply(self, event: str, data: dict[str, Any]) -> None:
        room, epoch, seq = data["room"], data["epoch"], data["seq"]
        known = self.last.get(room)
        if known is not None and known[0] == epoch and seq <= known[1]:
            return  # a duplicate (seen live, then replayed)
        self.last[room] = (epoch, seq)
        self.applied.append((event, data))

    async def connect(self, url: str) -> None:
        client = socketio.AsyncClient(reconnection=False)
        for name in ROOM_EVENTS:
            client.on(name, lambda data, name=name: self._apply(name, data))
        client.on("catch_up", self._catch_up)
        await client.connect(url, transports=["websocket"], auth={"token": self.token})
        self.client = client
        for event, payload in self.joined.items():
            await self._join(event, payload)
        await self._sync()

    async def _sync(self) -> None:
        """Name where the tab stands in each room; apply what the server says it missed."""
        assert self.client is not None
        answer = await self.client.call(
            "sync",
            {"rooms": [{"room": r, "epoch": e, "seq": s} for r, (e, s) in self.last.items()]},
        )
        assert answer["ok"] is True, answer
        for room in answer["rooms"]:
            self._caught_up(room)

    async def _catch_up(self, data: object = None) -> None:
        self.catch_ups += 1
        await self._sync()

    async def _join(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.client is not None
        room_of = {"join_project": "project", "join_conversation": "conversation"}[event]
        key = f"{room_of}:{payload[f'{room_of}_id']}"
        since = self.last.get(key)
        extra = {"epoch": since[0], "seq": since[1]} if since else {}
        answer: dict[str, Any] = await self.client.call(event, {**payload, **extra})
        assert answer["ok"] is True, answer
        self._caught_up(answer)
        return answer

    async def join(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.joined[event] = payload
        return await self._join(event, payload)

    def _caught_up(self, answer: dict[str, Any]) -> None:
        room = answer["room"]
        if answer["resync"]:
            self.resyncs.append(room)
            self.last[room] = (answer["epoch"], answer["seq"])
            return
        for item in answer["events"]:
            self._apply(item["event"], item["data"])
        if room not in self.last:
            self.last[room] = (answer["epoch"], answer["seq"])

    async def drop(self) -> None:
        assert self.client is not None
        await self.client.disconnect()
        self.client = None

    def seqs(self, room: str) -> list[int]:
        return [data["seq"] for _, data in self.applied if data["room"] == room]

    def in_room(self, room: str) -> list[tuple[str, dict[str, Any]]]:
        return [(event, data) for event, data in self.applied if data["room"] == room]
