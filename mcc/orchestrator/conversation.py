"""The orchestrator's one conversation per person, and the id of the run that reads it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.conversation import Conversation

KIND = "orchestrator"
TITLE = "Orchestrator"


def orchestrator_run_id(user_id: int) -> str:
    """The workflow id of the person's orchestrator (one per person, ever)."""
    return f"orchestrator/{user_id}"


async def orchestrator_conversation(session: AsyncSession, user_id: int) -> Conversation:
    """The person's orchestrator conversation, created on first use."""
    run_id = orchestrator_run_id(user_id)
    existing = await session.scalar(select(Conversation).where(Conversation.run_id == run_id))
    if existing is not None:
        return existing
    conversation = Conversation(
        project_id=None, owner_id=user_id, agent_id=None, kind=KIND, title=TITLE, run_id=run_id
    )
    session.add(conversation)
    await session.commit()
    return conversation
