"""A pull request on the local forge: a branch proposed for merging into the default branch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class PullRequest(Timestamped, Base):
    __tablename__ = "pull_requests"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        UniqueConstraint("issue_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    head_branch: Mapped[str] = mapped_column(String(255))
    base_branch: Mapped[str] = mapped_column(String(255))
    # Kept so the diff stays readable after the branch is merged or deleted.
    base_sha: Mapped[str] = mapped_column(String(64))
    head_sha: Mapped[str | None] = mapped_column(String(64))
    merge_sha: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="open")
    closed_at: Mapped[datetime | None] = mapped_column()
    # The repository's CI on the head last read (`ChecksReport.state`, and one line for
    # people), shown in the approval message and on the forge.
    ci_state: Mapped[str | None] = mapped_column(String(16))
    ci_summary: Mapped[str | None] = mapped_column(Text)
