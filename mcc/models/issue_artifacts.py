"""What an issue's run produced for its page: the spec, the latest test report and review,
and its loop counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base


class IssueArtifacts(Base):
    """One row per issue, each column replaced by the run's newest of its kind.

    Kept apart from `issues`, whose rows the issue list reads on every refresh, because
    these texts are long and only the issue's own page shows them.
    """

    __tablename__ = "issue_artifacts"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True
    )
    spec: Mapped[str | None] = mapped_column(Text)
    # `TestReport`'s fields: command, passed, exit_code, output.
    test_report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    review: Mapped[str | None] = mapped_column(Text)
    review_verdict: Mapped[str | None] = mapped_column(String(16))  # approve | changes
    # The run's counts as of its latest recorded phase (its `status` query has them live).
    test_loops: Mapped[int] = mapped_column(default=0, server_default="0")
    review_loops: Mapped[int] = mapped_column(default=0, server_default="0")
    rejections: Mapped[int] = mapped_column(default=0, server_default="0")
