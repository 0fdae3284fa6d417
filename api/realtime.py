"""socket.io on the API's port: authenticated sockets, rooms per user and per project.

The handshake carries the same access token as REST (`auth: {token}`); a socket
joins its user's room at once and a project's room only if that user owns it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.store import BudgetStore
from mcc.conversations import get_conversation, post_user_message
from mcc.errors import MccError, ServiceUnavailable
from mcc.events import conversation_room, project_room, user_room
from mcc.issues import create_issue as store_issue
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.notifications.pausing import switch_pause
from mcc.projects import get_project
from mcc.runtime import Runtime

log = logging.getLogger(__name__)

MAX_TITLE = 300  # as IssueCreate
MAX_BODY = 100_000


class SocketEvents:
    """The core's EventSink, delivered through the socket.io server (or its Redis manager)."""

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        await self.sio.emit(event, data, room=room)


def _project_id(data: Any) -> int | None:
    return _int_field(data, "project_id")


def _int_field(data: Any, name: str) -> int | None:
    try:
        return int(data[name])
    except (KeyError, TypeError, ValueError):
        return None


OnUserMessage = Callable[[Conversation, int], Awaitable[None]]
# Starts a new issue's run (the REST endpoint's `runs.start_issue_run`).
StartIssueRun = Callable[[Project, Issue], Awaitable[None]]
# Loads a row for a user, raising NotFound when it is not theirs.
OwnedCheck = Callable[[AsyncSession, int, int], Awaitable[object]]


def create_socket_server(
    runtime: Runtime,
    on_user_message: OnUserMessage | None = None,
    start_issue_run: StartIssueRun | None = None,
) -> socketio.AsyncServer:
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

    async def join_owned(
        sid: str, data: Any, field: str, check: OwnedCheck, room: Callable[[int], str]
    ) -> dict[str, Any]:
        """Enter the room of a row the socket's user owns (else the same 404 message)."""
        user_id, row_id = await user_of(sid), _int_field(data, field)
        if user_id is None:
            return {"ok": False, "error": "not authenticated"}
        if row_id is None:
            return {"ok": False, "error": f"{field} is required"}
        async with runtime.db.sessions() as session:
            try:
                await check(session, row_id, user_id)
            except MccError as exc:
                return {"ok": False, "error": exc.message}
        await sio.enter_room(sid, room(row_id))
        return {"ok": True}

    @sio.event  # type: ignore[untyped-decorator]
    async def join_project(sid: str, data: Any) -> dict[str, Any]:
        return await join_owned(
            sid,
            data,
            "project_id",
            lambda session, pid, uid: get_project(session, pid, owner_id=uid),
            project_room,
        )

    @sio.event  # type: ignore[untyped-decorator]
    async def leave_project(sid: str, data: Any) -> dict[str, Any]:
        project_id = _project_id(data)
        if project_id is None:
            return {"ok": False, "error": "project_id is required"}
        await sio.leave_room(sid, project_room(project_id))
        return {"ok": True}

    @sio.event  # type: ignore[untyped-decorator]
    async def join_conversation(sid: str, data: Any) -> dict[str, Any]:
        return await join_owned(
            sid,
            data,
            "conversation_id",
            lambda session, cid, uid: get_conversation(session, cid, owner_id=uid),
            conversation_room,
        )

    @sio.event  # type: ignore[untyped-decorator]
    async def send_message(sid: str, data: Any) -> dict[str, Any]:
        """The person posts in a conversation (same rules as the REST endpoint)."""
        user_id, conversation_id = await user_of(sid), _int_field(data, "conversation_id")
        content = data.get("content") if isinstance(data, dict) else None
        if user_id is None:
            return {"ok": False, "error": "not authenticated"}
        if conversation_id is None or not isinstance(content, str) or not content.strip():
            return {"ok": False, "error": "conversation_id and content are required"}
        async with runtime.db.sessions() as session:
            try:
                conversation = await get_conversation(session, conversation_id, owner_id=user_id)
                message = await post_user_message(
                    session,
                    runtime.events,
                    conversation,
                    user_id,
                    content,
                    _int_field(data, "reply_to"),
                )
            except MccError as exc:
                return {"ok": False, "error": exc.message}
        if on_user_message is not None:
            await on_user_message(conversation, message.id)
        return {"ok": True, "id": message.id}

    @sio.event  # type: ignore[untyped-decorator]
    async def create_issue(sid: str, data: Any) -> dict[str, Any]:
        """`create_issue{project_id, title, description}`: what POST .../issues does."""
        user_id, project_id = await user_of(sid), _project_id(data)
        if user_id is None:
            return {"ok": False, "error": "not authenticated"}
        title = data.get("title") if isinstance(data, dict) else None
        description = data.get("description", "") if isinstance(data, dict) else None
        if (
            project_id is None
            or not isinstance(title, str)
            or not 0 < len(title.strip()) <= MAX_TITLE
            or not isinstance(description, str)
            or len(description) > MAX_BODY
        ):
            return {"ok": False, "error": "project_id, title (1-300) and description are required"}
        async with runtime.db.sessions() as session:
            try:
                project = await get_project(session, project_id, owner_id=user_id)
                issue = await store_issue(session, project, title, description)
            except MccError as exc:
                return {"ok": False, "error": exc.message}
        created = {"project_id": project.id, "number": issue.number}
        if start_issue_run is None:
            return {"ok": True, **created, "started": False}
        try:
            await start_issue_run(project, issue)
        except ServiceUnavailable as exc:
            return {
                "ok": True,
                **created,
                "started": False,
                "error": f"issue #{issue.number} was saved, but its run could not start yet: "
                f"{exc.message}",
            }
        except MccError as exc:
            return {"ok": True, **created, "started": False, "error": exc.message}
        return {"ok": True, **created, "started": True}

    @sio.event  # type: ignore[untyped-decorator]
    async def emergency_pause(sid: str, data: Any = None) -> dict[str, Any]:
        """Stop every agent of this user before its next LLM call (resume over REST)."""
        user_id = await user_of(sid)
        if user_id is None:
            return {"ok": False, "error": "not authenticated"}
        reason = data.get("reason") if isinstance(data, dict) else None
        state = await switch_pause(
            BudgetStore.of(runtime.db),
            runtime.events,
            runtime.notifications,
            user_id,
            True,
            reason=reason[:200] if isinstance(reason, str) else None,
        )
        return {"ok": True, **state.event()}

    return sio
