"""Recovery codes: shown once at 2FA enrolment, stored as Argon2id hashes, single use."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.recovery_code import RecoveryCode
from mcc.security.passwords import hash_password, verify_password

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normalise(code: str) -> str | None:
    """The code as issued (`xxxx-xxxx-xxxx`), or None if it cannot be a recovery code."""
    raw = code.strip().lower().replace("-", "").replace(" ", "")
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else None


async def clear_recovery_codes(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


async def replace_recovery_codes(session: AsyncSession, user_id: int) -> list[str]:
    await clear_recovery_codes(session, user_id)
    codes = [_new_code() for _ in range(COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=await hash_password(code)))
    await session.flush()
    return codes


async def use_recovery_code(session: AsyncSession, user_id: int, code: str) -> bool:
    """Spend a matching unused code; False when none matches or another request spent it.

    The spend is a compare-and-set (`used_at IS NULL` in the UPDATE itself), so of
    concurrent requests carrying the same code exactly one succeeds.
    """
    candidate = _normalise(code)
    if candidate is None:
        return False  # not the shape of a recovery code: no hash to spend time on
    rows = (
        await session.execute(
            select(RecoveryCode.id, RecoveryCode.code_hash).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
    ).all()
    # End the read before the slow hashes: on SQLite every transaction holds the write lock.
    await session.commit()
    for code_id, code_hash in rows:
        if await verify_password(code_hash, candidate):
            spent = await session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
                .values(used_at=datetime.now(UTC))
                .execution_options(synchronize_session=False)
            )
            return getattr(spent, "rowcount", 0) == 1
    return False
