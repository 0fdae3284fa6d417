"""Where the core sends realtime events (the socket.io contract of the design).

The core only knows this protocol. In one process it is the socket.io server
itself; a separate worker process gets a write-only Redis manager, so events
still reach every API process's clients.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from mcc.event_payloads import checked

log = logging.getLogger(__name__)


def project_room(project_id: int) -> str:
    return f"project:{project_id}"


def conversation_room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


class EventSink(Protocol):
    async def emit(self, event: str, data: dict[str, Any], room: str) -> None: ...


class DroppedEvents:
    """The sink of a process with no clients to tell (CLI commands, some tests)."""

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        log.debug("no realtime sink: dropped %s for %s", event, room)


class RecordedEvents:
    """Keeps what was emitted; tests use it to assert on the realtime contract."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str]] = []

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        checked(event, data)  # a payload that drifted from its model fails the test here
        self.events.append((event, data, room))
