"""The notification center (bell, list, mark read), channel preferences and Telegram setup."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal, cast

from fastapi import APIRouter, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbId, RuntimeDep, SessionDep
from api.schemas.error import ErrorOut
from api.schemas.notification import (
    LinkCodeOut,
    NotificationListOut,
    NotificationOut,
    PreferenceIn,
    PreferenceOut,
    ReadAllOut,
    TelegramLinkOut,
    TelegramStateOut,
    TelegramTokenIn,
)
from mcc.db.base import utcnow
from mcc.event_payloads import NotificationsReadEvent
from mcc.events import EventSink, user_room
from mcc.notifications.preferences import preferences_of, set_preferences
from mcc.notifications.store import list_for, mark_all_read, mark_read, unread_count
from mcc.notifications.telegram.bot import (
    check_bot_token,
    ensure_may_set,
    poll_problem,
    set_bot_token,
    token_source,
)
from mcc.notifications.telegram.links import link_of, new_link_code, unlink

router = APIRouter(prefix="/notifications", tags=["notifications"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such notification of yours."}
}


@router.get("", response_model=NotificationListOut)
async def list_notifications(
    user: CurrentUser, session: SessionDep, unread_only: bool = False, limit: int = 50
) -> NotificationListOut:
    """The newest first, and how many are unread (the bell's count)."""
    rows, unread = await list_for(
        session, user.id, limit=max(1, min(limit, 200)), unread_only=unread_only
    )
    return NotificationListOut(
        items=[NotificationOut.model_validate(row.event()) for row in rows], unread=unread
    )


async def announce_read(
    events: EventSink, session: AsyncSession, owner_id: int, ids: list[int] | None, read_at: str
) -> None:
    """`notifications_read` to the owner's room: their other tabs' bells follow."""
    unread = await unread_count(session, owner_id)
    event = NotificationsReadEvent(ids=ids, read_at=read_at, unread=unread)
    await events.emit("notifications_read", event.model_dump(mode="json"), user_room(owner_id))


@router.post("/read-all", response_model=ReadAllOut)
async def read_all(user: CurrentUser, session: SessionDep, runtime: RuntimeDep) -> ReadAllOut:
    now = utcnow()
    marked = await mark_all_read(session, user.id, now)
    if marked:
        await announce_read(runtime.events, session, user.id, None, now.isoformat())
    return ReadAllOut(marked=marked)


@router.post("/{notification_id}/read", response_model=NotificationOut, responses=NOT_FOUND)
async def read_one(
    notification_id: DbId, user: CurrentUser, session: SessionDep, runtime: RuntimeDep
) -> NotificationOut:
    row = await mark_read(session, user.id, notification_id)
    if row.read_at is not None:
        read_at = row.read_at.isoformat()
        await announce_read(runtime.events, session, user.id, [row.id], read_at)
    return NotificationOut.model_validate(row.event())


@router.get("/preferences", response_model=list[PreferenceOut])
async def preferences(user: CurrentUser, session: SessionDep) -> list[PreferenceOut]:
    """Which kinds go to which channel (everything everywhere unless turned off)."""
    return [PreferenceOut(**p.__dict__) for p in await preferences_of(session, user.id)]


@router.put("/preferences", response_model=list[PreferenceOut])
async def update_preferences(
    body: list[PreferenceIn], user: CurrentUser, session: SessionDep
) -> list[PreferenceOut]:
    changes = [(p.kind.value, p.channel.value, p.enabled) for p in body]
    return [PreferenceOut(**p.__dict__) for p in await set_preferences(session, user.id, changes)]


@router.get("/telegram", response_model=TelegramStateOut)
async def telegram_state(
    user: CurrentUser, session: SessionDep, runtime: RuntimeDep
) -> TelegramStateOut:
    """Whether a bot is set up (and whether polling it keeps failing), and the person's
    chat: linked, blocked, or none."""
    source = await token_source(session, runtime.settings)
    link = await link_of(session, user.id)
    return TelegramStateOut(
        bot_configured=source is not None,
        token_source=cast(Literal["environment", "settings"] | None, source),
        problem=await poll_problem(session, runtime.settings),
        link=TelegramLinkOut(
            state=cast(Literal["linked", "blocked"], link.state),
            username=link.username,
            linked_at=link.linked_at,
            detail=link.detail,
        )
        if link is not None
        else None,
    )


@router.post(
    "/telegram/token",
    response_model=TelegramStateOut,
    responses={
        403: {"model": ErrorOut, "description": "The bot was set up by another account."},
        422: {"model": ErrorOut, "description": "Telegram refused the token; nothing saved."},
        503: {"model": ErrorOut, "description": "Telegram cannot be reached; nothing saved."},
    },
)
async def telegram_token(
    body: TelegramTokenIn, user: CurrentUser, session: SessionDep, runtime: RuntimeDep
) -> TelegramStateOut:
    """Check the bot token with Telegram (getMe), then store it (AES-256-GCM sealed; never
    returned); null removes it."""
    token = body.token or None
    await ensure_may_set(session, user.id)  # another account's attempt never reaches Telegram
    if token is not None:
        api_url = runtime.settings.telegram_api_url
        await check_bot_token(runtime.telegram.bot_api(token), api_url)
    await set_bot_token(session, runtime.keys.secrets, token, user.id)
    return await telegram_state(user, session, runtime)


@router.post("/telegram/link-code", response_model=LinkCodeOut, status_code=201)
async def telegram_link_code(
    user: CurrentUser, session: SessionDep, runtime: RuntimeDep
) -> LinkCodeOut:
    """A one-time code: send the bot `/start <code>` before it expires."""
    lifetime = timedelta(minutes=runtime.settings.telegram_link_code_minutes)
    code = await new_link_code(session, user.id, lifetime)
    return LinkCodeOut(code=code.code, expires_at=code.expires_at, command=f"/start {code.code}")


@router.delete("/telegram/link", status_code=status.HTTP_204_NO_CONTENT)
async def telegram_unlink(user: CurrentUser, session: SessionDep) -> Response:
    await unlink(session, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
