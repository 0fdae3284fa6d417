"""A message is stored once per idempotency key, also when written insert-first."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mcc.conversations import NewMessage, open_conversation, post_message
from mcc.db.engine import Database
from mcc.events import RecordedEvents
from mcc.models.message import Message
from tests.support.owners import owner_with_project


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def _conversation(db: Database) -> int:
    async with db.sessions() as session:
        _, project_id = await owner_with_project(session, "once@example.com", "Once")
        conversation = await open_conversation(
            session, project_id=project_id, agent_id=None, kind="task", title="t", run_id="run/1"
        )
        return conversation.id


@pytest.mark.parametrize("insert_first", [False, True])
async def test_a_second_post_under_a_key_returns_the_first_message(
    db: Database, insert_first: bool
) -> None:
    conversation_id = await _conversation(db)
    events = RecordedEvents()
    new = NewMessage(
        conversation_id, author="tool:x", role="tool", content="one", idempotency_key="k"
    )
    async with db.sessions() as session:
        first, created = await post_message(session, events, new, insert_first=insert_first)
    assert created
    again = NewMessage(
        conversation_id, author="tool:x", role="tool", content="two", idempotency_key="k"
    )
    async with db.sessions() as session:
        second, created = await post_message(session, events, again, insert_first=insert_first)
    assert not created
    assert (second.id, second.content) == (first.id, "one")
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Message)) == 1
    assert [name for name, _data, _room in events.events] == ["message"]


async def test_an_insert_first_post_to_a_missing_conversation_fails_as_such(db: Database) -> None:
    conversation_id = await _conversation(db)
    new = NewMessage(conversation_id + 1, author="x", role="user", content="?", idempotency_key="k")
    async with db.sessions() as session:
        with pytest.raises(IntegrityError):
            await post_message(session, RecordedEvents(), new, insert_first=True)
