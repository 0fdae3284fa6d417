"""One deployment, one master key: recorded by the first process, compared by every other.

Every api and worker process seals and opens the same stored secrets and signs and checks
the same sessions. A process started with another key (a typo in one MCC_SECRET_KEY, a data
dir whose key file was lost and made anew) would start and fail later, far from the
cause: sessions refused behind a load balancer, a GitHub step failing on a token it cannot
open. A check value derived from the key (by HKDF: it tells nothing of the key) is kept in
`system_state`, so such a process refuses to start with one sentence instead.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import MccError
from mcc.models.system_state import SystemState
from mcc.security.keys import derive

STATE_KEY = "secret_key_check"


class KeyMismatch(MccError):
    code = "secret_key_mismatch"
    status = 503


def check_value(master: bytes) -> str:
    return derive(master, "mcc/key-check").hex()[:16]


async def verify_key(db: Database, master: bytes) -> None:
    """Record this key's check when none is, else raise KeyMismatch unless it is the same."""
    mine = check_value(master)
    async with db.sessions() as session:
        row = await session.get(SystemState, STATE_KEY)
        if row is None:
            session.add(SystemState(key=STATE_KEY, value={"check": mine}, updated_at=utcnow()))
            try:
                await session.commit()
                return
            except IntegrityError:  # another process, starting at the same moment, was first
                await session.rollback()
            row = await session.get(SystemState, STATE_KEY, populate_existing=True)
        recorded = row.value.get("check") if row is not None else None
    if recorded != mine:
        raise KeyMismatch(
            f"This process's secret key (key check {mine}) is not the one this database's"
            f" secrets were stored with (key check {recorded}). Every api and worker process"
            " of one MCC needs the same key (MCC_SECRET_KEY, or else the data dir's"
            " secret.key): with another, a process refuses the others' sessions and cannot"
            " read the secrets they stored. Start it with that key. To change the key on"
            " purpose, stop MCC and run `mcc secret-key change` with the new key set and the"
            " old one in MCC_OLD_SECRET_KEY; if the old key is lost, `mcc secret-key change"
            " --forget-secrets` removes the stored secrets, to be entered again."
        )


async def record_key(session: AsyncSession, master: bytes) -> None:
    """Make `master` the deployment's key (after its secrets were sealed again with it)."""
    row = await session.get(SystemState, STATE_KEY)
    value = {"check": check_value(master)}
    if row is None:
        session.add(SystemState(key=STATE_KEY, value=value, updated_at=utcnow()))
    else:
        row.value, row.updated_at = value, utcnow()
