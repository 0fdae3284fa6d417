"""Rotating refresh tokens with reuse detection (OAuth 2.0 Security BCP, 4.14)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.refresh_token import RefreshToken
from mcc.security.errors import TokenInvalid


def _digest(token: str) -> str:
    # The token is 256 random bits: a fast hash is enough, and lookups stay indexed.
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_refresh_token(
    session: AsyncSession, user_id: int, lifetime: timedelta, family: str | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            user_id=user_id,
            family=family or secrets.token_hex(16),
            token_hash=_digest(token),
            expires_at=datetime.now(UTC) + lifetime,
        )
    )
    await session.flush()
    return token


async def revoke_family(session: AsyncSession, family: str) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


async def rotate_refresh_token(
    session: AsyncSession, token: str, lifetime: timedelta
) -> tuple[int, str]:
    """Spend `token` and return (user id, its successor).

    A token that was already spent or revoked revokes its whole family: whoever
    holds the newer token is logged out too, which is the point.
    """
    now = datetime.now(UTC)
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token)).with_for_update()
    )
    if row is None:
        raise TokenInvalid("the session is not valid; log in again")
    if row.used_at is not None or row.revoked_at is not None:
        await revoke_family(session, row.family)
        await session.commit()
        raise TokenInvalid("this session was already used elsewhere and has been ended")
    if row.expires_at <= now:
        raise TokenInvalid("the session expired; log in again")
    # Compare-and-set, so two concurrent refreshes cannot both spend the token.
    spent = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        await revoke_family(session, row.family)
        await session.commit()
        raise TokenInvalid("this session was already used elsewhere and has been ended")
    successor = await issue_refresh_token(session, row.user_id, lifetime, row.family)
    await session.commit()
    return row.user_id, successor


async def revoke_refresh_token(session: AsyncSession, token: str) -> None:
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token))
    )
    if row is not None:
        await revoke_family(session, row.family)
        await session.commit()


async def revoke_other_sessions(session: AsyncSession, user_id: int, kept: str | None) -> None:
    """End every session of the account but the one holding `kept` (its refresh token):
    after a password change, whoever logged in with the old one is logged out."""
    keep = None
    if kept:
        keep = await session.scalar(
            select(RefreshToken.family).where(RefreshToken.token_hash == _digest(kept))
        )
    others = [RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)]
    if keep is not None:
        others.append(RefreshToken.family != keep)
    await session.execute(update(RefreshToken).where(*others).values(revoked_at=datetime.now(UTC)))
    await session.commit()
