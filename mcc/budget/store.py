"""Where budget bookkeeping runs: transactions that serialize per owner.

PostgreSQL: the shared engine, where callers lock ledger rows with `SELECT
... FOR UPDATE`, plus a small pool without pre-ping for the per-call budget
functions (see `pg_functions`). SQLite has no row locks, so bookkeeping
transactions start with `BEGIN IMMEDIATE` (the database's one write lock, taken
up front, so two read-then-write transactions cannot interleave, across
processes too). The per-call hot path (`run`: reserve, settle) queues for one
thread that runs each transaction whole (`sqlite_thread`); the rare paths
(limits, pause, new ledger rows) use `transaction`, on an engine of their own
behind a per-process lock. The shared engine keeps its ordinary transactions.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from mcc.budget.sqlite_thread import ThreadTransactions, immediate_transactions
from mcc.db.engine import Database, is_sqlite, sqlite_engine

T = TypeVar("T")

_stores: weakref.WeakKeyDictionary[Database, BudgetStore] = weakref.WeakKeyDictionary()


def _serialized_sqlite_engine(db: Database) -> AsyncEngine:
    # One kept connection: the store's lock lets one transaction run at a time in
    # this process anyway, and opening one per transaction is slow.
    engine = sqlite_engine(db.url, 1, 0)
    _on_dispose(db, engine.sync_engine.dispose)
    immediate_transactions(engine.sync_engine)
    return engine


def _bookkeeping_pg_engine(db: Database) -> AsyncEngine:
    # Without pre-ping: a checkout costs no round trip. Every budget statement is
    # idempotent by its key, so after a dropped connection the caller just retries
    # (`retrying_disconnects`), and SQLAlchemy renews the pool.
    engine = create_async_engine(db.url, pool_size=5, max_overflow=20, pool_pre_ping=False)
    _on_dispose(db, engine.sync_engine.dispose)
    return engine


def _on_dispose(db: Database, close: Callable[[], None]) -> None:
    """What bookkeeping keeps open is closed when the shared engine is disposed."""

    @event.listens_for(db.engine.sync_engine, "engine_disposed")
    def _close(_engine: Any) -> None:
        close()  # runs inside the shared engine's async dispose


class BudgetStore:
    """One per Database (see `of`): the engine and lock budget transactions use."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sqlite = is_sqlite(db.url)
        self.engine = _serialized_sqlite_engine(db) if self.sqlite else db.engine
        # PostgreSQL's per-call budget functions are one statement each: no BEGIN/COMMIT.
        self.autocommit: AsyncEngine = (
            self.engine
            if self.sqlite
            else _bookkeeping_pg_engine(db).execution_options(isolation_level="AUTOCOMMIT")
        )
        self._queue = asyncio.Lock() if self.sqlite else None
        self._thread = ThreadTransactions(db.url) if self.sqlite else None
        if self._thread is not None:
            _on_dispose(db, self._thread.close)

    @classmethod
    def of(cls, db: Database) -> BudgetStore:
        store = _stores.get(db)
        if store is None:
            store = _stores[db] = cls(db)
        return store

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction, committed on exit (rolled back on an exception)."""
        if self._queue is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._queue, self.engine.begin() as conn:
            yield conn

    async def run(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """`work` as one write transaction: the per-call hot path (reserve, settle).

        On SQLite it runs whole in the store's thread (see `sqlite_thread`), so
        `work` may await only its connection's `execute` and `scalar`.
        """
        if self._thread is None:
            async with self.engine.begin() as conn:
                return await work(conn)
        # The thread takes its jobs one after another, without waiting for the event
        # loop in between (an asyncio lock here held each for two loop iterations).
        return await self._thread.run(work)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A read-only connection on the shared engine (no write lock taken)."""
        async with self.db.engine.connect() as conn:
            yield conn


def insert_or_merge(conn: AsyncConnection, entity: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of this connection's dialect, which offers ON CONFLICT DO NOTHING / UPDATE."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(entity)
    return sqlite.insert(entity)
