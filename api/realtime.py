"""socket.io on the API's port: authenticated sockets, rooms per user and per project.

The handshake carries the same access token as REST (`auth: {token}`); a socket
joins its user's room at once and a project's room only if that user owns it.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio

from mcc.errors import MccError
from mcc.events import project_room, user_room
from mcc.projects import get_project
from mcc.runtime import Runtime

log = logging.getLogger(__name__)


class SocketEvents:
    """The core's EventSink, delivered through the socket.io server (or its Redis manager)."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        await self.sio.emit(event, data, room=room)


def _project_id(data: Any) -> int | None:
    try:
        return int(data["project_id"])
    except (KeyError, TypeError, ValueError):
        return None


def create_socket_server(runtime: Runtime) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins=runtime.settings.cors_origins or [],
        logger=False,
        engineio_logger=False,
    )

    async def user_of(sid: str) -> int | None:
        session = await sio.get_session(sid)
        user_id = session.get("user_id") if session else None
        return int(user_id) if user_id is not None else None

    @sio.event  # type: ignore[untyped-decorator]
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str):
            raise socketio.exceptions.ConnectionRefusedError("authentication required")
        try:
            claims = runtime.keys.access_tokens.verify(token)
        except MccError as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.message) from None
        await sio.save_session(sid, {"user_id": claims.user_id})
        await sio.enter_room(sid, user_room(claims.user_id))

    @sio.event  # type: ignore[untyped-decorator]
    async def join_project(sid: str, data: Any) -> dict[str, Any]:
        user_id, project_id = await user_of(sid), _project_id(data)
        if user_id is None:
            return {"ok": False, "error": "not authenticated"}
        if project_id is None:
            return {"ok": False, "error": "project_id is required"}
        async with runtime.db.sessions() as session:
            try:
                await get_project(session, project_id, owner_id=user_id)
            except MccError as exc:
                return {"ok": False, "error": exc.message}
        await sio.enter_room(sid, project_room(project_id))
        return {"ok": True}

    @sio.event  # type: ignore[untyped-decorator]
    async def leave_project(sid: str, data: Any) -> dict[str, Any]:
        project_id = _project_id(data)
        if project_id is None:
            return {"ok": False, "error": "project_id is required"}
        await sio.leave_room(sid, project_room(project_id))
        return {"ok": True}

    return sio
