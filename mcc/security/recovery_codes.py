"""Recovery codes: shown once at 2FA enrolment, stored as Argon2id hashes, single use."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.recovery_code import RecoveryCode
from mcc.security.passwords import hash_password, verify_password

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normalise(code: str) -> str:
    raw = code.strip().lower().replace("-", "").replace(" ", "")
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else code


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
    """Spend a matching unused code; False when none matches."""
    candidate = _normalise(code)
    rows = await session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    for row in rows.all():
        if await verify_password(row.code_hash, candidate):
            row.used_at = datetime.now(UTC)
            await session.flush()
            return True
    return False
