"""socket.io on the API's port: rooms per project, events from the core."""

from __future__ import annotations

import logging
from typing import Any

import socketio

from mcc.config import Settings
from mcc.events import project_room

log = logging.getLogger(__name__)


class SocketEvents:
    """The core's EventSink, delivered through the socket.io server (or its Redis manager)."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        await self.sio.emit(event, data, room=room)


def create_socket_server(settings: Settings) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins=settings.cors_origins or [],
        logger=False,
        engineio_logger=False,
    )

    @sio.event  # type: ignore[untyped-decorator]
    async def join_project(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        try:
            project_id = int(data["project_id"])
        except (KeyError, TypeError, ValueError):
            return {"ok": False, "error": "project_id is required"}
        await sio.enter_room(sid, project_room(project_id))
        return {"ok": True}

    @sio.event  # type: ignore[untyped-decorator]
    async def leave_project(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        try:
            project_id = int(data["project_id"])
        except (KeyError, TypeError, ValueError):
            return {"ok": False, "error": "project_id is required"}
        await sio.leave_room(sid, project_room(project_id))
        return {"ok": True}

    return sio
