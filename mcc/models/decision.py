"""A decision of the person on one approval round of an issue's run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class Decision(Timestamped, Base):
    __tablename__ = "decisions"
    # The claim: one row per round, so a second decision on the same round cannot be stored.
    __table_args__ = (UniqueConstraint("issue_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    round: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # approve | reject | retry | cancel
    gate: Mapped[str] = mapped_column(String(16))
    head_sha: Mapped[str | None] = mapped_column(String(64))
    feedback: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the signal reached the run (or the run had ended: nothing left to reach). NULL
    # is a claimed decision the run may not have: the next attempt on the issue and
    # MCC's start-up send it again (the run keeps the first decision of a round).
    signalled_at: Mapped[datetime | None] = mapped_column(default=None)
