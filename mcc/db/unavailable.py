"""A database that does not answer is one sentence and a 503, not a 500 and a traceback.

A PostgreSQL restart, a failover or a full disk leaves every request failing for as long
as it lasts. SQLAlchemy wraps only the driver's own errors, so asyncpg's refused connect
reaches the handler as a bare `ConnectionRefusedError`, indistinguishable there from any
other OSError: the connect itself is where it can be named. A connection the server
dropped while in use surfaces instead as a `DBAPIError` marked `connection_invalidated`.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from mcc.errors import ServiceUnavailable, first_line

log = logging.getLogger(__name__)

# For the client: the database's address and the driver's words go to the server log.
SENTENCE = (
    "MCC cannot reach its database right now; try again in a moment (the server log says why)."
)


class DatabaseUnavailable(ServiceUnavailable):
    """Retryable (503): in an activity, Temporal tries the step again once it is back.
    `detail`, for the server's log, names the database and the driver's `reason`."""

    code = "database_unavailable"

    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(SENTENCE)
        self.reason = reason
        self.detail = f"the database {shown} does not answer: {reason}"


def driver_reason(exc: BaseException) -> str:
    """The first line of what the driver said, not SQLAlchemy's wrapping of it."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    return first_line(orig if orig is not None else exc)


def name_failed_connects(engine: AsyncEngine, shown: str) -> None:
    """Make every failed connect of `engine` a `DatabaseUnavailable` naming the database
    (password hidden) and the reason. Not logged here: `mcc worker` refusing to start
    says the same in its own sentence, and the API logs it with the request."""

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except (OSError, dialect.loaded_dbapi.Error) as exc:
            raise DatabaseUnavailable(shown, driver_reason(exc)) from exc


def database_away(exc: BaseException) -> bool:
    """The database does not answer now (a restart, a failover): worth waiting for."""
    return isinstance(exc, DatabaseUnavailable) or is_dropped_connection(exc)


def is_dropped_connection(exc: BaseException) -> bool:
    """A statement failed because the server closed its connection (a restart, a
    terminated backend): the pool has discarded it, and the next checkout reconnects."""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


async def close_after_response(session: AsyncSession) -> None:
    """Close a request's session, whose response may already be on its way: a database
    that went away meanwhile fails only the closing rollback, of a transaction the route
    had committed or given up. Raised there, it would reach the server after the response
    started, and uvicorn would drop the keep-alive connection, failing the client's next
    request on it instead. The pool discards the dead connection either way."""
    try:
        await session.close()
    except (DBAPIError, OSError) as exc:
        log.warning("the database dropped a connection as a request ended: %s", driver_reason(exc))
