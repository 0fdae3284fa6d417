"""Keeping and finding LLM answers by idempotency key (see mcc.models.llm_answer)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

from mcc.db.engine import Database
from mcc.db.unavailable import database_away
from mcc.llm.types import ChatResult
from mcc.models.llm_answer import LLMAnswer

# The provider has billed the answer: a database restart or failover (seconds) must not
# throw it away, or the step's retry asks and pays again. Within an activity's heartbeat.
KEEP_WITHIN_S = 60


@retry(
    retry=retry_if_exception(database_away),
    stop=stop_after_delay(KEEP_WITHIN_S),
    wait=wait_exponential(multiplier=0.25, max=5),
    reraise=True,
)
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
