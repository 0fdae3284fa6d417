"""A project: one git repository the company works on."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class Project(Timestamped, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    repo_path: Mapped[str] = mapped_column(String(4096))
    default_branch: Mapped[str] = mapped_column(String(255))
    # Counters for per-project numbering, bumped with UPDATE ... RETURNING so two
    # concurrent requests never get the same number.
    issue_seq: Mapped[int] = mapped_column(Integer, default=0)
    pull_seq: Mapped[int] = mapped_column(Integer, default=0)
