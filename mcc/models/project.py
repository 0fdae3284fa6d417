"""A project: one git repository the company works on."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class Project(Timestamped, Base):
    __tablename__ = "projects"
    # Names are unique per owner; slugs (part of workflow ids) are unique everywhere.
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    repo_path: Mapped[str] = mapped_column(String(4096))
    default_branch: Mapped[str] = mapped_column(String(255))
    # Where issues and pull requests live: "local" (MCC's database) or "github".
    forge: Mapped[str] = mapped_column(String(16), default="local", server_default="local")
    github_repo: Mapped[str | None] = mapped_column(String(200), index=True)  # "owner/name"
    github_installation_id: Mapped[int | None] = mapped_column(BigInteger)
    trigger_label: Mapped[str] = mapped_column(String(50), default="mcc", server_default="mcc")
    # A forge token (e.g. GitHub), AES-256-GCM sealed; never returned by the API.
    forge_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The issue pipeline: the tester's command (detected when unset) and whether the
    # architect's spec waits for the person's approval before coding starts.
    test_command: Mapped[str | None] = mapped_column(String(1000))
    require_spec_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # An archived project keeps its history but takes no new issues or runs.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The repository's own CI (check runs, statuses) gates the approval unless ignored.
    ignore_ci: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Counters for per-project numbering, bumped with UPDATE ... RETURNING so two
    # concurrent requests never get the same number.
    issue_seq: Mapped[int] = mapped_column(Integer, default=0)
    pull_seq: Mapped[int] = mapped_column(Integer, default=0)
