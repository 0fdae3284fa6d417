"""SQLite for the async engine without a thread hop per statement.

aiosqlite runs every statement in a thread of its own and wakes the event loop
for the answer, which costs far more than SQLite's own work for the small reads
and writes MCC makes. Worse, a write transaction (INSERT, then COMMIT: two trips
through a busy loop) would hold the database's one write lock across loop
iterations, so with many issues at work every other writer queues behind it
(figures: bench/README.md).

Here statements run on the event-loop thread, each to its end at once. A write
transaction begins with `BEGIN IMMEDIATE` (the write lock up front, so it cannot
fail half-way on a lock) and, unless its code awaits something else in the
middle, is committed before the loop runs anything else. The one wait left is
for a lock another connection holds (another process, the budget thread, a
transaction that awaits the network): SQLite's own busy handler would block the
loop while it naps, so the busy timeout is 0 and the statement is retried after
an asyncio sleep instead, for as long as a busy timeout would allow.

SQLAlchemy's aiosqlite dialect is kept (the URL stays `sqlite+aiosqlite`); only
its DBAPI module is replaced (`module=`), by one whose connections have the
async methods aiosqlite's have.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

if TYPE_CHECKING:
    from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection

T = TypeVar("T")

LOCK_WAIT_S = 30.0  # what `busy_timeout=30000` allowed a writer to wait
_FIRST_NAP_S = 0.0005
_LONGEST_NAP_S = 0.02
_BUSY, _LOCKED = sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED


def _is_lock_conflict(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return "locked" in str(error)
    # SQLITE_BUSY_SNAPSHOT (a read transaction that would have to see newer data to
    # write) never clears by waiting; immediate transactions do not meet it.
    return code & 0xFF in (_BUSY, _LOCKED) and code != sqlite3.SQLITE_BUSY_SNAPSHOT


async def _when_unlocked(call: Callable[[], T]) -> T:
    """`call` now, or after naps on the loop while another connection holds the lock."""
    try:
        return call()
    except sqlite3.OperationalError as error:
        if not _is_lock_conflict(error):
            raise
    deadline = time.monotonic() + LOCK_WAIT_S
    nap = _FIRST_NAP_S
    while True:
        await asyncio.sleep(nap)
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _is_lock_conflict(error) or time.monotonic() > deadline:
                raise
        nap = min(nap * 2, _LONGEST_NAP_S)


class InlineCursor:
    """aiosqlite's cursor interface over a sqlite3 cursor, on the calling thread."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        await _when_unlocked(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # a generator could not be replayed after a lock wait
        await _when_unlocked(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> Sequence[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """aiosqlite's connection interface over a sqlite3 connection, on the calling thread.

    Transactions the driver opens itself begin with `BEGIN IMMEDIATE` (isolation
    level "" would mean a deferred BEGIN, whose first write can meet a lock half-way
    through the transaction, where waiting cannot help).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = conn
        conn.isolation_level = "IMMEDIATE"

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = "IMMEDIATE" if value == "" else value  # type: ignore[assignment]

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        await _when_unlocked(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate): nothing runs elsewhere to wait for."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


# Every connection to MCC's SQLite file, this module's and the budget thread's.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # In WAL mode NORMAL still survives any process being killed; only a power
    # cut can lose the last commits (never corrupt the file). FULL, SQLite's
    # default, adds an fsync to every commit, made while the write lock is held.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
)


async def connect(database: str, **options: Any) -> InlineConnection:
    """Open `database` with WAL, foreign keys, and no busy handler (see the module)."""
    options.pop("timeout", None)  # the lock wait is LOCK_WAIT_S, on the loop
    # check_same_thread off: SQLAlchemy may close a pooled connection from another
    # thread at shutdown; statements themselves all run on the loop's thread.
    options["check_same_thread"] = False
    conn = sqlite3.connect(database, timeout=0, **options)
    inline = InlineConnection(conn)
    for pragma in PRAGMAS:
        await _when_unlocked(lambda sql=pragma: conn.execute(sql))  # type: ignore[misc]
    return inline


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level  # type: ignore[no-any-return]

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        # aiosqlite's setter queues the change for its thread; here there is none.
        self._connection.isolation_level = value


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module for SQLAlchemy's aiosqlite dialect, with inline connections."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *args: Any, **kwargs: Any) -> _Connection:
        kwargs.pop("async_creator_fn", None)
        connection = await_(connect(*args, **kwargs))
        return _Connection(self, cast("AsyncIODBAPIConnection", connection))
