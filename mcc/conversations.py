"""Conversations and their messages, written once each and pushed live."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.errors import InvalidInput, NotFound
from mcc.events import EventSink, conversation_room, project_room
from mcc.models.conversation import Conversation
from mcc.models.message import Message
from mcc.models.project import Project
from mcc.ownership import owns_project

# The role of a message for the person only (MCC saying why a run ended): kept and shown
# in the conversation like any message, never part of what a model is sent.
NOTICE = "notice"


def read_by_model(message: Message) -> bool:
    """Whether a stored message is part of what the model is sent. Notices and notes are
    MCC's words to the person: a run that reads its conversation again (a retry, a reset)
    must not take them for the task's."""
    return message.role != NOTICE and not (message.meta or {}).get("note")


@dataclass(frozen=True)
class NewMessage:
    conversation_id: int
    author: str
    role: str
    content: str
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: Decimal = Decimal(0)
    idempotency_key: str | None = None
    meta: dict[str, Any] | None = None
    reply_to: int | None = None


def message_event(message: Message) -> dict[str, Any]:
    """The realtime contract's `message` payload (plus what a chat view needs)."""
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "content": message.content,
        "author": message.author,
        "role": message.role,
        "timestamp": message.created_at.isoformat(),
        "tokens": message.tokens_in + message.tokens_out,
        "cost": float(message.cost_usd),
        "tool_calls": message.tool_calls,
        "reply_to": message.reply_to,
    }


def conversation_event(conversation: Conversation) -> dict[str, Any]:
    """The `conversation` payload (project room): the conversation as the REST list has it."""
    return {
        "id": conversation.id,
        "project_id": conversation.project_id,
        "agent_id": conversation.agent_id,
        "kind": conversation.kind,
        "title": conversation.title,
        "run_id": conversation.run_id,
        "status": conversation.status,
        "paused": conversation.paused,
        "outcome": conversation.outcome,
        "summary": conversation.summary,
        "created_at": conversation.created_at.isoformat(),
    }


async def by_key(session: AsyncSession, key: str) -> Message | None:
    return await session.scalar(select(Message).where(Message.idempotency_key == key))


async def post_message(
    session: AsyncSession, events: EventSink, new: NewMessage, *, insert_first: bool = False
) -> tuple[Message, bool]:
    """Store a message once per idempotency key; returns (message, created).

    `insert_first`: try the insert at once and let the unique key catch a message
    stored earlier under the key (one statement instead of two on the usual path).
    Only for a session with nothing else in it: the failed insert is rolled back.
    """
    if new.idempotency_key and not insert_first:
        existing = await by_key(session, new.idempotency_key)
        if existing is not None:
            return existing, False
    message = Message(
        conversation_id=new.conversation_id,
        author=new.author,
        role=new.role,
        content=new.content,
        tool_calls=new.tool_calls,
        tool_call_id=new.tool_call_id,
        tokens_in=new.tokens_in,
        tokens_out=new.tokens_out,
        cost_usd=new.cost_usd,
        idempotency_key=new.idempotency_key,
        meta=new.meta,
        reply_to=new.reply_to,
    )
    session.add(message)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await by_key(session, new.idempotency_key) if new.idempotency_key else None
        if existing is None:  # not the key: the conversation is gone, say
            raise
        # An earlier (or concurrent) attempt of the same step stored it: it stands.
        return existing, False
    await events.emit("message", message_event(message), conversation_room(message.conversation_id))
    return message, True


MAX_USER_MESSAGE = 50_000  # characters the person may write in one message


async def post_user_message(
    session: AsyncSession,
    events: EventSink,
    conversation: Conversation,
    user_id: int,
    content: str,
    reply_to: int | None = None,
) -> Message:
    """The person steps into a conversation (over REST or the socket alike), perhaps
    answering one of its messages (`reply_to`)."""
    if len(content) > MAX_USER_MESSAGE:
        raise InvalidInput("the message is too long (50 000 characters at most)")
    if reply_to is not None:
        answered = await session.get(Message, reply_to) if 0 < reply_to < 2**31 else None
        if answered is None or answered.conversation_id != conversation.id:
            raise InvalidInput("reply_to must be a message of this conversation")
    message, _ = await post_message(
        session,
        events,
        NewMessage(
            conversation.id,
            author=f"user:{user_id}",
            role="user",
            content=content,
            reply_to=reply_to,
        ),
    )
    return message


async def messages_of(
    session: AsyncSession, conversation_id: int, after_id: int = 0, limit: int = 500
) -> list[Message]:
    rows = await session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.id > after_id)
        .order_by(Message.id)
        .limit(limit)
    )
    return list(rows.all())


async def get_conversation(
    session: AsyncSession, conversation_id: int, owner_id: int | None = None
) -> Conversation:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None or (
        owner_id is not None and not await _owns(session, conversation, owner_id)
    ):
        raise NotFound(f"conversation {conversation_id} not found")
    return conversation


async def _owns(session: AsyncSession, conversation: Conversation, owner_id: int) -> bool:
    """A person's own conversation (the orchestrator's), or one of their project's."""
    if conversation.project_id is None:
        return conversation.owner_id == owner_id
    return await owns_project(session, conversation.project_id, owner_id)


async def open_conversation(
    session: AsyncSession,
    *,
    project_id: int,
    agent_id: int | None,
    kind: str,
    title: str,
    run_id: str | None = None,
    events: EventSink | None = None,
) -> Conversation:
    """The conversation of `run_id` (created once), or a new one when there is no run.

    With `events`, a new conversation is announced to the project's room, so open pages
    add it to their lists without asking for them again.
    """
    if run_id is not None:
        existing = await session.scalar(select(Conversation).where(Conversation.run_id == run_id))
        if existing is not None:
            return existing
    conversation = Conversation(
        project_id=project_id,
        agent_id=agent_id,
        kind=kind,
        title=title[:300],
        run_id=run_id,
        status="open",
        paused=False,
    )
    session.add(conversation)
    await session.commit()
    if events is not None:
        await events.emit(
            "conversation", conversation_event(conversation), project_room(project_id)
        )
    return conversation


async def inbox_of(
    session: AsyncSession, project_id: int, agent_id: int, name: str
) -> Conversation:
    """Where messages to an agent land while it has no run (created on first use)."""
    existing = await session.scalar(
        select(Conversation).where(Conversation.agent_id == agent_id, Conversation.kind == "inbox")
    )
    if existing is not None:
        return existing
    return await open_conversation(
        session, project_id=project_id, agent_id=agent_id, kind="inbox", title=f"{name}'s inbox"
    )


async def project_conversations(session: AsyncSession, project_id: int) -> list[Conversation]:
    rows = await session.scalars(
        select(Conversation)
        .where(Conversation.project_id == project_id)
        .order_by(Conversation.id.desc())
    )
    return list(rows.all())


async def run_conversation_id(session: AsyncSession, project_id: int, run_id: str) -> int | None:
    """The id of the conversation `run_id` opened, if it has opened one."""
    return await session.scalar(
        select(Conversation.id).where(
            Conversation.project_id == project_id, Conversation.run_id == run_id
        )
    )


async def open_agent_runs(session: AsyncSession, owner_id: int) -> list[str]:
    """The run ids of the owner's agent runs still going (an issue's steps included)."""
    rows = await session.scalars(
        select(Conversation.run_id)
        .join(Project, Project.id == Conversation.project_id)
        .where(
            Project.owner_id == owner_id,
            Conversation.kind == "task",
            Conversation.status == "open",
            Conversation.run_id.is_not(None),
        )
    )
    return [run_id for run_id in rows if run_id is not None]


async def finish_run_conversation(session: AsyncSession, run_id: str, outcome: str) -> None:
    """Mark the conversation of a run that ended (the UI stops offering its controls)."""
    conversation = await session.scalar(select(Conversation).where(Conversation.run_id == run_id))
    if conversation is not None and conversation.status != "finished":
        conversation.status, conversation.outcome = "finished", outcome
        conversation.paused = False
        await session.commit()


async def show_run_paused(
    session: AsyncSession, events: EventSink, run_id: str, paused: bool
) -> Conversation | None:
    """Show whether the run of `run_id` is paused, on its conversation and to the project's
    room (the `conversation` event, as the REST list has it). A finished run stays unpaused.
    The event goes again when a retry finds the change stored (the step that stored it may
    have died before sending it). Returns the conversation, or None for a finished run's."""
    conversation = await session.scalar(select(Conversation).where(Conversation.run_id == run_id))
    if conversation is None or conversation.status != "open":
        return None
    if conversation.paused != paused:
        conversation.paused = paused
        await session.commit()
    if conversation.project_id is not None:
        await events.emit(
            "conversation", conversation_event(conversation), project_room(conversation.project_id)
        )
    return conversation
