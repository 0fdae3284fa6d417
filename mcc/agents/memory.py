"""Long-term memory for the orchestrator and the architect.

Every finished run leaves `finish(outcome, summary)`: those summaries are the
distilled decisions, so memory is the newest of them that fit the budget, not
another paid LLM call.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.conversation import Conversation

DEFAULT_BUDGET_CHARS = 8_000


async def long_term_memory(
    session: AsyncSession, project_id: int, agent_id: int, budget_chars: int = DEFAULT_BUDGET_CHARS
) -> str | None:
    rows = await session.scalars(
        select(Conversation)
        .where(
            Conversation.project_id == project_id,
            Conversation.agent_id == agent_id,
            Conversation.status == "finished",
            Conversation.summary.is_not(None),
        )
        .order_by(Conversation.id.desc())
        .limit(200)
    )
    lines: list[str] = []
    used = 0
    for conversation in rows.all():
        entry = f"- {conversation.title} ({conversation.outcome}): {conversation.summary}"
        if used + len(entry) > budget_chars:
            break
        lines.append(entry)
        used += len(entry)
    return "\n".join(reversed(lines)) or None
