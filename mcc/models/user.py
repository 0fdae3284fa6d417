"""The person who owns projects, with their second factor."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mcc.db.base import Base, Timestamped


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # AES-256-GCM sealed; set at enrolment, trusted only once `totp_enabled`.
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last accepted time step, so one code cannot be used twice.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
