"""socket.io on the API's port: authenticated sockets, rooms per user and per project.

The handshake carries the same access token as REST (`auth: {token}`); a socket
joins its user's room at once and a project's room only if that user owns it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from fastapi import FastAPI
from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.store import BudgetStore
from mcc.conversations import get_conversation, post_user_message
from mcc.errors import Conflict, MccError, ServiceUnavailable
from mcc.event_log import TRANSIENT, EventLog, Head, Since
from mcc.event_payloads import SCHEMA_MODELS, checked
from mcc.events import conversation_room, project_room, user_room
from mcc.issues import file_issue, run_waits_notice
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.notifications.pausing import switch_pause
from mcc.projects import get_project
from mcc.runtime import Runtime

log = logging.getLogger(__name__)

MAX_TITLE = 300  # as IssueCreate
MAX_BODY = 100_000


def on_the_wire(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The payload as its model (`mcc.event_payloads`) has it; as given, and logged, if it does not fit."""
    try:
        return checked(event, data)
    except ValidationError as exc:
        # An event that drifted from its model still reaches the page (tests catch the drift).
        log.error("%s event does not fit its model: %s", event, exc)
        return data


def event_schemas(app: FastAPI) -> None:
    """Publish the event payloads among the OpenAPI components: the SPA's types come from there."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        _, defs = models_json_schema(
            [(model, "validation") for model in SCHEMA_MODELS],
            ref_template="#/components/schemas/{model}",
        )
        for definition in defs["$defs"].values():
            # A field with a default is left out of a payload that does not set it: optional
            # in TypeScript (openapi-typescript would make a defaulted field required).
            for field in definition.get("properties", {}).values():
                field.pop("default", None)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def stamped(data: dict[str, Any], room: str, head: Head) -> dict[str, Any]:
    """An event's payload as it goes on the wire: with its room, the log's epoch and its number."""
    return {**data, "room": room, "epoch": head.epoch, "seq": head.seq}


class SocketEvents:
    """The core's EventSink, delivered through the socket.io server (or its Redis manager).

    Each event is numbered in its room's log first, so what goes out can be replayed.
    """

    def __init__(self, sio: socketio.AsyncServer, log: EventLog) -> None:
        self.sio = sio
        self.log = log

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        data = on_the_wire(event, data)
        if event in TRANSIENT:
            await self.sio.emit(event, data, room=room)
            return
        head = await self.log.append(room, event, data)
        await self.sio.emit(event, stamped(data, room, head), room=room)


def caught_up(room: str, missed: Since) -> dict[str, Any]:
    """The answer to a client that names the last event it saw in `room`."""
    return {
        "room": room,
        "epoch": missed.head.epoch,
        "seq": missed.head.seq,
        "resync": missed.resync,
        "events": [
            {
                "event": logged.event,
                "data": stamped(logged.data, room, Head(missed.head.epoch, logged.seq)),
            }
            for logged in missed.events
        ],
    }


def _last_seen(data: Any) -> tuple[str, int] | None:
    """The `(epoch, seq)` a client says it saw last, if it says so."""
    if not isinstance(data, dict):
        return None
    epoch, seq = data.get("epoch"), data.get("seq")
    if not isinstance(epoch, str) or not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        return None
    return epoch, seq


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
    log: EventLog,
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
        return {"ok": True, **await catch_up(room(row_id), data)}

    async def catch_up(room: str, data: Any) -> dict[str, Any]:
        """What the socket missed in `room` since the number it names (just the head if none)."""
        seen = _last_seen(data)
        if seen is None:
            head = await log.head(room)
            return caught_up(room, Since(head, [], resync=False))
        return caught_up(room, await log.since(room, *seen))

    @sio.event  # type: ignore[untyped-decorator]
    async def sync(sid: str, data: Any = None) -> dict[str, Any]:
        """Catch up the rooms this socket is in: `{rooms: [{room, epoch, seq}]}`.

        Each named room answers with the events after that number (or resync); a room the
        socket is in but did not name (its user room, on the first connect) answers with
        its head, the number to name next time.
        """
        if await user_of(sid) is None:
            return {"ok": False, "error": "not authenticated"}
        named = data.get("rooms") if isinstance(data, dict) else None
        joined = {room for room in sio.rooms(sid) if room != sid}
        asked = {
            item["room"]: item
            for item in (named if isinstance(named, list) else [])
            if isinstance(item, dict) and item.get("room") in joined
        }
        rooms = [await catch_up(room, asked.get(room)) for room in sorted(joined)]
        return {"ok": True, "rooms": rooms}

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
                issue, stored = await file_issue(
                    session, runtime.forge, project, title, description
                )
            except MccError as exc:
                return {"ok": False, "error": exc.message}
        created = {"project_id": project.id, "number": issue.number}
        if start_issue_run is None:
            return {"ok": True, **created, "started": False}
        try:
            await start_issue_run(project, issue)
        except Conflict:
            if stored:
                raise
            # GitHub's delivery of the issue stored it first and started its run.
        except ServiceUnavailable:
            return {
                "ok": True,
                **created,
                "started": False,
                "notice": run_waits_notice(issue.number),
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
