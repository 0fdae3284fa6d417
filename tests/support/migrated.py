"""Migrated databases for tests, copied from one migration per session.

Running every migration for each test's database costs more than copying a
migrated one (figures in bench/README.md), and the schema is the same each time:
each kind is migrated once per test process and copied, a file copy for SQLite,
`CREATE DATABASE ... TEMPLATE` for PostgreSQL. The migrations keep their own
tests (upgrade and downgrade paths).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from mcc.db.migrate import upgrade
from tests.support.postgres import database_name, temporary_database


class MigratedTemplates:
    """One migrated SQLite file and one migrated PostgreSQL database, made on first use."""

    def __init__(self, root: Path, stack: contextlib.AsyncExitStack) -> None:
        self._root, self._stack = root, stack
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._lock = asyncio.Lock()

    async def sqlite(self, path: Path) -> str:
        """A migrated SQLite database at `path`; its URL."""
        async with self._lock:
            if self._sqlite is None:
                template = self._root / "template.db"
                await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{template}")
                # WAL mode: the last connection's close folds the log into the file.
                leftovers = [p for p in self._root.iterdir() if p != template]
                assert not leftovers, f"the migrated template left {leftovers}"
                self._sqlite = template
        await asyncio.to_thread(shutil.copyfile, self._sqlite, path)
        return f"sqlite+aiosqlite:///{path}"

    @contextlib.asynccontextmanager
    async def postgresql(self) -> AsyncIterator[str]:
        """A migrated PostgreSQL database of its own, dropped after."""
        async with self._lock:
            if self._postgres is None:
                url = await self._stack.enter_async_context(temporary_database())
                await asyncio.to_thread(upgrade, url)
                self._postgres = database_name(url)
        async with temporary_database(template=self._postgres) as url:
            yield url
