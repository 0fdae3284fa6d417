"""Whether the database answers and holds the schema this MCC's code was written for.

`mcc up` migrates by itself; `mcc api` and `mcc worker` do not (in a scaled deployment
one `mcc migrate` runs first), so they check: a database left behind would otherwise
fail every request and step with "relation ... does not exist".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.engine import Database, shown_url
from mcc.db.migrate import alembic_config
from mcc.db.unavailable import DatabaseUnavailable, driver_reason


@dataclass(frozen=True)
class DatabaseProblem:
    kind: Literal["unreachable", "not_migrated"]
    sentence: str


@functools.cache
def _migrations() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str:
    """The newest migration this code ships."""
    head = _migrations().get_current_head()
    assert head is not None
    return head


async def database_problem(db: Database) -> DatabaseProblem | None:
    """None when the database answers at this code's schema; else what is wrong, in a
    sentence naming the database (password hidden) and what to do."""
    shown = shown_url(db.url)
    try:
        async with db.sessions() as session:
            await session.execute(text("SELECT 1"))
            at = await _revision_in(session)
    except Exception as exc:  # a probe: whatever the failure, it does not answer
        # The operator's page names the driver's reason, not the client's sentence.
        reason = exc.reason if isinstance(exc, DatabaseUnavailable) else driver_reason(exc)
        return DatabaseProblem("unreachable", f"The database {shown} does not answer ({reason}).")
    head = head_revision()
    if at == head:
        return None
    if at is not None and not _known(at):
        return DatabaseProblem(
            "not_migrated",
            f"The database {shown} was migrated by a newer MCC (its schema is at migration"
            f" {at}, which this MCC does not know; this MCC needs {head}): run the MCC"
            " version that migrated it.",
        )
    schema = f"its schema is at migration {at}" if at else "it has no MCC schema yet"
    return DatabaseProblem(
        "not_migrated",
        f"The database {shown} is not migrated for this MCC ({schema}; this MCC needs"
        f" {head}): run `mcc migrate` with the same MCC_DATABASE_URL.",
    )


async def schema_revision(db: Database) -> str | None:
    """The migration the database's schema is at; None when it has none (never migrated)."""
    async with db.sessions() as session:
        return await _revision_in(session)


async def _revision_in(session: AsyncSession) -> str | None:
    try:
        revision = await session.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:  # no such table (the last statement of the session: nothing to undo)
        return None
    return str(revision) if revision is not None else None


def _known(revision: str) -> bool:
    try:
        return _migrations().get_revision(revision) is not None
    except Exception:  # alembic's ResolutionError / CommandError: not one of ours
        return False
