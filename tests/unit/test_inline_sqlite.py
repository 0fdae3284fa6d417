"""SQLite statements run on the loop's thread; a writer that meets another
connection's lock waits on the loop (other tasks keep running) and then writes."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from mcc.db import inline_sqlite
from mcc.db.engine import Database, create_engine
from tests.support.loop_turns import loop_turns


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}")
    async with engine.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    yield engine
    await engine.dispose()


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_statements_run_on_the_loop_thread_and_writes_begin_immediate(
    engine: AsyncEngine,
) -> None:
    seen: list[tuple[str, str]] = []
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        raw.driver_connection._conn.set_trace_callback(  # type: ignore[union-attr]
            lambda sql: seen.append((threading.current_thread().name, sql))
        )
        await conn.execute(text("SELECT count(*) FROM t"))
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        await conn.commit()
        raw.driver_connection._conn.set_trace_callback(None)  # type: ignore[union-attr]
    assert {thread for thread, _ in seen} == {threading.current_thread().name}
    # The lock is taken up front: a write cannot meet it half-way through.
    assert [sql for _, sql in seen] == [
        "SELECT count(*) FROM t",
        "BEGIN IMMEDIATE",
        "INSERT INTO t VALUES (1)",
        "COMMIT",
    ]


async def test_a_writer_waits_on_the_loop_for_a_held_lock_and_then_commits(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    other = _hold_write_lock(tmp_path / "mcc.db")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))

    beat = asyncio.create_task(ticker())
    writer = asyncio.create_task(write())
    await asyncio.sleep(0.2)
    assert not writer.done()  # still waiting for the lock...
    assert ticks >= 10  # ...without blocking the loop
    other.execute("COMMIT")
    await asyncio.wait_for(writer, 5)
    beat.cancel()
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM t")) == 1
    other.close()


async def test_a_writer_gives_up_after_the_lock_wait(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inline_sqlite, "LOCK_WAIT_S", 0.2)
    other = _hold_write_lock(tmp_path / "mcc.db")
    with pytest.raises(OperationalError, match="locked"):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
    other.execute("ROLLBACK")
    other.close()
    async with engine.begin() as conn:  # the failed writer left no transaction behind
        await conn.execute(text("INSERT INTO t VALUES (2)"))
        assert await conn.scalar(text("SELECT sum(x) FROM t")) == 2


async def test_connections_have_wal_foreign_keys_and_normal_sync(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert await conn.scalar(text("PRAGMA synchronous")) == 1  # NORMAL


async def test_a_session_runs_and_closes_without_a_turn_of_the_loop(tmp_path: Path) -> None:
    """SQLAlchemy closes an AsyncSession in a shielded task of its own (three turns of
    the loop, ~10 ms on a busy worker); on the inline engine nothing in `close` can
    suspend, so the session closes in place and hands its connection back."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}")
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    pool = db.engine.sync_engine.pool
    async with loop_turns() as turns:
        idle_before = pool.checkedin()  # type: ignore[attr-defined]
        async with db.sessions() as session:
            await session.execute(text("INSERT INTO t VALUES (1)"))
            await session.commit()
            assert await session.scalar(text("SELECT count(*) FROM t")) == 1
        assert turns.count == 0
    assert pool.checkedin() == max(idle_before, 1)  # type: ignore[attr-defined]
    await db.dispose()
