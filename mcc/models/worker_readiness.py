"""What each worker process last said it can do: its LLM settings and its sandbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base


class WorkerReadiness(Base):
    """One row per live worker process, rewritten by it every half minute
    (`mcc.worker_readiness`): an API process's health reads the workers' rows, as agents
    run there and not in the API."""

    __tablename__ = "worker_readiness"

    # pid@host, as Temporal names the worker: one name in health and in the Temporal UI.
    identity: Mapped[str] = mapped_column(String(300), primary_key=True)
    llm_state: Mapped[str] = mapped_column(String(16))  # configured | not_configured
    llm_detail: Mapped[str] = mapped_column(Text)
    sandbox_state: Mapped[str] = mapped_column(String(16))  # ready | missing | broken | off
    sandbox_detail: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[datetime]
