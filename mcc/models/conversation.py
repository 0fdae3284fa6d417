"""A conversation: an agent's work on one task, or an agent's inbox."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class Conversation(Timestamped, Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for the orchestrator's conversation, which belongs to a person, not a project.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(
        String(20), default="task"
    )  # task | inbox | issue | orchestrator
    title: Mapped[str] = mapped_column(String(300))
    # The run working in it (workflow id), when there is one.
    run_id: Mapped[str | None] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | finished
    # The person paused the run: it starts no step until resumed. Written by the run itself
    # (an activity), which also hears of pauses that reach it through its issue's run.
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the agent reported with finish(outcome, summary): its long-term memory.
    outcome: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(Text)
