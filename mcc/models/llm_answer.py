"""An LLM answer, kept under its call's idempotency key before the call is settled.

Written between the provider's answer and the settlement, it closes the last
window in which a crash would have made a retry call (and pay) again: a retry
finds the answer and settles it, or finds the call settled and replays it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class LLMAnswer(Timestamped, Base):
    __tablename__ = "llm_answers"

    idempotency_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
