"""SQLite budget work runs whole in the store's thread, as one transaction."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.sqlite_thread import ThreadTransactions


@pytest.fixture
def transactions(tmp_path: Path) -> Iterator[ThreadTransactions]:
    runner = ThreadTransactions(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}")
    with runner.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    yield runner
    runner.close()


def _count(runner: ThreadTransactions) -> int:
    with runner.engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM t")) or 0)


async def test_work_runs_in_the_store_thread_and_commits(transactions: ThreadTransactions) -> None:
    async def work(conn: AsyncConnection) -> str:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        assert await conn.scalar(text("SELECT count(*) FROM t")) == 1
        return threading.current_thread().name

    name = await transactions.run(work)
    assert name.startswith("mcc-budget")
    assert _count(transactions) == 1


async def test_a_failing_work_leaves_nothing_behind(transactions: ThreadTransactions) -> None:
    async def work(conn: AsyncConnection) -> None:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await transactions.run(work)
    assert _count(transactions) == 0


async def test_work_that_awaits_anything_but_its_connection_is_refused(
    transactions: ThreadTransactions,
) -> None:
    async def work(conn: AsyncConnection) -> None:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="awaited something other"):
        await transactions.run(work)
    assert _count(transactions) == 0


def test_budget_commits_are_as_durable_as_the_shared_engines_and_no_more(
    transactions: ThreadTransactions,
) -> None:
    """WAL with synchronous NORMAL, as `mcc.db.inline_sqlite`: SQLite's default (FULL)
    would fsync every reservation's commit while holding the write lock that every
    other writer of the file waits for."""
    with transactions.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
