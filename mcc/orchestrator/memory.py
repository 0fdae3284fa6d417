"""The orchestrator's memory of its person: key → note, one per key, per owner."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.errors import InvalidInput, NotFound
from mcc.models.orchestrator_memory import OrchestratorMemory

MAX_KEY = 100
MAX_CONTENT = 4_000
PROMPT_BUDGET_CHARS = 8_000


def _clean_key(key: str) -> str:
    cleaned = " ".join(key.split()).lower()
    if not cleaned or len(cleaned) > MAX_KEY:
        raise InvalidInput(f"a memory key is 1 to {MAX_KEY} characters")
    return cleaned


async def memories(session: AsyncSession, owner_id: int) -> list[OrchestratorMemory]:
    rows = await session.scalars(
        select(OrchestratorMemory)
        .where(OrchestratorMemory.owner_id == owner_id)
        .order_by(OrchestratorMemory.key)
    )
    return list(rows.all())


async def remember(
    session: AsyncSession, owner_id: int, key: str, content: str
) -> OrchestratorMemory:
    """Store (or replace) the note under `key`; a retried call writes the same row."""
    key = _clean_key(key)
    content = content.strip()
    if not content or len(content) > MAX_CONTENT:
        raise InvalidInput(f"a memory is 1 to {MAX_CONTENT} characters")
    row = await session.scalar(
        select(OrchestratorMemory).where(
            OrchestratorMemory.owner_id == owner_id, OrchestratorMemory.key == key
        )
    )
    if row is None:
        row = OrchestratorMemory(owner_id=owner_id, key=key, content=content)
        session.add(row)
    else:
        row.content = content
    await session.commit()
    return row


async def forget(session: AsyncSession, owner_id: int, key: str) -> None:
    result = await session.execute(
        delete(OrchestratorMemory).where(
            OrchestratorMemory.owner_id == owner_id, OrchestratorMemory.key == _clean_key(key)
        )
    )
    await session.commit()
    if not getattr(result, "rowcount", 0):
        raise NotFound(f"nothing remembered under {key!r}")


def as_prompt(
    rows: list[OrchestratorMemory], budget_chars: int = PROMPT_BUDGET_CHARS
) -> str | None:
    """The memory as the prompt shows it, newest first until the budget is spent."""
    lines: list[str] = []
    used = 0
    for row in sorted(rows, key=lambda r: r.updated_at, reverse=True):
        line = f"- {row.key}: {row.content}"
        if used + len(line) > budget_chars:
            break
        lines.append(line)
        used += len(line)
    return "\n".join(sorted(lines)) or None
