"""SQLite budget transactions in one hop to a thread of their own.

Statement by statement through the event loop, a reservation would hold
SQLite's one write lock while each statement waits for a busy loop. Here the
whole transaction runs on a plain sqlite3 connection in a dedicated thread, so
the write lock is held for the work alone: the SQLite counterpart of the
PostgreSQL server-side functions. The shared engine runs its statements on the
loop itself (`mcc.db.inline_sqlite`); the per-call bookkeeping stays here, off
the loop, which is the scarce resource when many issues are at work
(bench/README.md).

The work functions stay the async ones PostgreSQL's rare paths use
(`serialized`): their only awaits are the connection's `execute` and `scalar`,
which here return at once, so the coroutine is driven to its end in the thread
without an event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.db.engine import kept_connections
from mcc.db.inline_sqlite import PRAGMAS

T = TypeVar("T")


class _ImmediateConnection:
    """What the work functions use of an AsyncConnection, over a sync connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.dialect = conn.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self._conn.execute(statement, parameters)

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return self._conn.scalar(statement, parameters)


def _to_the_end(coro: Coroutine[Any, Any, T]) -> T:
    try:
        coro.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    coro.close()
    raise RuntimeError("budget work awaited something other than its database connection")


def serialized_engine(url: str) -> Engine:
    """A sync engine with one connection whose transactions begin with `BEGIN IMMEDIATE`."""
    engine = create_engine(
        make_url(url).set(drivername="sqlite"),
        connect_args={"timeout": 30, "check_same_thread": False},
        **kept_connections(url, 1, 0),
    )
    immediate_transactions(engine)
    return engine


def immediate_transactions(engine: Engine) -> None:
    """Transactions take SQLite's write lock up front, so two read-then-write
    transactions cannot interleave, across processes too."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # The driver must not open transactions itself; the "begin" hook does.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in PRAGMAS:  # the shared engine's durability, not SQLite's default
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class ThreadTransactions:
    """Runs budget work as one transaction in a single dedicated thread."""

    def __init__(self, url: str) -> None:
        self.engine = serialized_engine(url)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mcc-budget")

    async def run(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._run_here, work)

    def _run_here(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        with self.engine.begin() as conn:
            # The stand-in offers exactly what the work functions call (see above).
            done = work(cast(AsyncConnection, _ImmediateConnection(conn)))
            return _to_the_end(cast(Coroutine[Any, Any, T], done))

    def close(self) -> None:
        self.engine.dispose()
        self._thread.shutdown(wait=False)
