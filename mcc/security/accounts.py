"""Accounts: creating users, checking credentials and the second factor."""

from __future__ import annotations

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.errors import Conflict, InvalidInput
from mcc.models.project import Project
from mcc.models.user import User
from mcc.security import totp
from mcc.security.errors import (
    InvalidCredentials,
    InvalidTotp,
    SetupDone,
    TotpRequired,
    WrongPassword,
)
from mcc.security.passwords import check_strength, hash_password, verify_password
from mcc.security.recovery_codes import (
    clear_recovery_codes,
    replace_recovery_codes,
    use_recovery_code,
)
from mcc.security.secret_box import SecretBox

# RFC 5321's limits: a mailbox name of at most 64 characters, a path of at most 254
# once the angle brackets are counted; longer addresses cannot receive mail.
MAX_EMAIL_LOCAL = 64
MAX_EMAIL = 254


def normalise_email(email: str) -> str:
    """The address in lower case; a local domain (`me@host`) is fine on a self-hosted MCC."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise InvalidInput("enter a valid email address")
    if len(local) > MAX_EMAIL_LOCAL:
        raise InvalidInput(
            f"the part of the email address before @ is {len(local)} characters long;"
            f" at most {MAX_EMAIL_LOCAL} are possible"
        )
    if len(email) > MAX_EMAIL:
        raise InvalidInput(
            f"the email address is {len(email)} characters long; at most {MAX_EMAIL} are possible"
        )
    return email


def totp_context(user_id: int) -> str:
    return f"users.totp_secret:{user_id}"


async def user_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def create_user(session: AsyncSession, email: str, password: str) -> User:
    email = normalise_email(email)
    check_strength(password)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with the email {email} already exists")
    user = User(
        email=email,
        password_hash=await hash_password(password),
        totp_enabled=False,
        totp_last_step=0,
    )
    session.add(user)
    await session.flush()
    if await user_count(session) == 1:
        # Projects made before accounts existed belong to the first account.
        await session.execute(
            update(Project).where(Project.owner_id.is_(None)).values(owner_id=user.id)
        )
    await session.commit()
    return user


async def create_first_user(session: AsyncSession, email: str, password: str) -> User:
    """First-run setup: only while no user exists (serialized, so two tabs cannot both win)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(7110001)"))
    if await user_count(session) > 0:
        raise SetupDone()
    return await create_user(session, email, password)


async def authenticate(
    session: AsyncSession, box: SecretBox, email: str, password: str, code: str | None
) -> User:
    """The user for these credentials; wrong email and wrong password look the same."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        email = ""
    user = await session.scalar(select(User).where(User.email == email)) if email else None
    # End the read before the slow hash: on SQLite every transaction holds the write lock.
    await session.commit()
    ok = await verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        raise InvalidCredentials()
    if user.totp_enabled:
        if not code:
            raise TotpRequired()
        await check_second_factor(session, box, user, code)
    return user


async def check_second_factor(session: AsyncSession, box: SecretBox, user: User, code: str) -> None:
    """Accept a fresh TOTP code or an unused recovery code; each works once."""
    assert user.totp_secret_enc is not None
    secret = box.open(user.totp_secret_enc, totp_context(user.id))
    step = totp.matching_step(secret, code, user.totp_last_step)
    if step is not None and await _claim_totp_step(session, user, step):
        await session.commit()
        return
    if await use_recovery_code(session, user.id, code):
        await session.commit()
        return
    raise InvalidTotp()


async def _claim_totp_step(session: AsyncSession, user: User, step: int) -> bool:
    """Record `step` as used if no request recorded it (or a later one) first.

    A compare-and-set in one statement: of concurrent requests carrying the same
    code, exactly one moves the step forward; reading then writing let all pass.
    """
    result = await session.execute(
        update(User)
        .where(User.id == user.id, User.totp_last_step < step)
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    user.totp_last_step = step
    return True


async def begin_totp_enrolment(session: AsyncSession, box: SecretBox, user: User) -> str:
    """A new secret, stored sealed but not yet required (until confirmed)."""
    if user.totp_enabled:
        raise Conflict("two-factor authentication is already on; disable it first")
    secret = totp.new_secret()
    user.totp_secret_enc = box.seal(secret, totp_context(user.id))
    await session.commit()
    return secret


async def confirm_totp_enrolment(
    session: AsyncSession, box: SecretBox, user: User, password: str, code: str
) -> list[str]:
    """Turn 2FA on with the pending secret; the password first, so that whoever finds a
    session open cannot bind their own authenticator and lock the owner out."""
    if user.totp_enabled:
        raise Conflict("two-factor authentication is already on")
    if user.totp_secret_enc is None:
        raise Conflict("start the enrolment first")
    await session.commit()  # no transaction (on SQLite: the write lock) across the hash
    if not await verify_password(user.password_hash, password):
        raise WrongPassword()
    secret = box.open(user.totp_secret_enc, totp_context(user.id))
    step = totp.matching_step(secret, code, user.totp_last_step)
    if step is None or not await _claim_totp_step(session, user, step):
        raise InvalidTotp()
    user.totp_enabled = True
    codes = await replace_recovery_codes(session, user.id)
    await session.commit()
    return codes


async def disable_totp(
    session: AsyncSession, box: SecretBox, user: User, password: str, code: str
) -> None:
    await session.commit()  # no transaction (on SQLite: the write lock) across the hash
    if not await verify_password(user.password_hash, password):
        raise WrongPassword()
    if not user.totp_enabled:
        return
    await check_second_factor(session, box, user, code)
    user.totp_enabled, user.totp_secret_enc = False, None
    await clear_recovery_codes(session, user.id)
    await session.commit()


async def change_password(session: AsyncSession, user: User, current: str, new: str) -> None:
    """The current password first (whoever finds the app open must not lock its owner
    out), then the new one, which must be strong enough and another."""
    await session.commit()  # no transaction (on SQLite: the write lock) across the hash
    if not await verify_password(user.password_hash, current):
        raise WrongPassword()
    check_strength(new)
    if new == current:
        raise InvalidInput("the new password is the one you have; choose another")
    user.password_hash = await hash_password(new)
    await session.commit()
