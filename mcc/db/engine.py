"""Engine and session factory for SQLite (embedded) and PostgreSQL (scaled)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from mcc.config import Settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def kept_connections(url: str, size: int, overflow: int) -> dict[str, int]:
    """Pool sizes for a file database; an in-memory one (`mcc openapi`) has a single
    connection and takes none."""
    if is_sqlite(url) and make_url(url).database in (None, "", ":memory:"):
        return {}
    return {"pool_size": size, "max_overflow": overflow}


def create_engine(url: str) -> AsyncEngine:
    """Build the engine; SQLite gets WAL, foreign keys and a busy timeout.

    WAL lets the API read while the worker writes; the busy timeout makes
    concurrent writers wait for each other instead of failing at once.
    """
    if is_sqlite(url):
        # Connections are kept (each is an aiosqlite thread plus an open file): with
        # the default 5 kept, ten issues at work opened and closed ~7 per second.
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, **kept_connections(url, 20, 20)
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """The engine plus its session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        if not settings.database_url:
            settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings.resolved_database_url)

    async def dispose(self) -> None:
        await self.engine.dispose()
