"""Keeping and finding LLM answers by idempotency key (see mcc.models.llm_answer)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from mcc.db.engine import Database
from mcc.llm.types import ChatResult
from mcc.models.llm_answer import LLMAnswer


async def keep_answer(db: Database, key: str, chat: ChatResult) -> None:
    async with db.sessions() as session:
        session.add(LLMAnswer(idempotency_key=key, response=chat.model_dump(mode="json")))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()  # an earlier attempt kept it: the same call's answer


async def kept_answer(db: Database, key: str) -> ChatResult | None:
    async with db.sessions() as session:
        row = await session.get(LLMAnswer, key)
    return ChatResult.model_validate(row.response) if row is not None else None
