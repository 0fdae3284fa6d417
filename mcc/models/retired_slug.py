"""The slug of a deleted project, never handed out again.

Slugs name workflow ids (`issue/{slug}/{n}`), which Temporal refuses to reuse and
which key the spend history: a new project under an old slug would collide with both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, utcnow


class RetiredSlug(Base):
    __tablename__ = "retired_slugs"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    retired_at: Mapped[datetime] = mapped_column(default=utcnow)
