"""An issue: the unit of work that one IssueWorkflow run turns into a merge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class Issue(Timestamped, Base):
    __tablename__ = "issues"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # Last phase the workflow reported; the live phase comes from its `status` query.
    phase: Mapped[str] = mapped_column(String(32), default="queued")
    state: Mapped[str] = mapped_column(String(16), default="open")
    workflow_id: Mapped[str] = mapped_column(String(300), unique=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    # The person's decision point: `round` counts every approval round the run opened;
    # `gate` (spec | merge | attention) is set while that round waits for a decision
    # and cleared by the decision that claims it (see `mcc.decisions`).
    round: Mapped[int] = mapped_column(default=0, server_default="0")
    gate: Mapped[str | None] = mapped_column(String(16))
    head_sha: Mapped[str | None] = mapped_column(String(64))
    # Where a `retry` in needs_attention goes back to.
    resume_phase: Mapped[str | None] = mapped_column(String(32))
    # Why the run stopped in needs_attention, as the run last reported it with its phase.
    error: Mapped[str | None] = mapped_column(Text)
    # The idempotency key of the agent tool call that created it (the orchestrator's
    # create_issue): a retried call finds its issue instead of filing a second one.
    origin_key: Mapped[str | None] = mapped_column(String(300), unique=True)
