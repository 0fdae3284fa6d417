"""Engine and session factory for SQLite (embedded) and PostgreSQL (scaled)."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from mcc.config import Settings
from mcc.data_dir import ensure_data_dir
from mcc.db.inline_session import InlineSession
from mcc.db.inline_sqlite import InlineDBAPI
from mcc.db.unavailable import name_failed_connects


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def shown_url(url: str) -> str:
    """The database URL as it may be printed: its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def kept_connections(url: str, size: int, overflow: int) -> dict[str, int]:
    """Pool sizes for a file database; an in-memory one (`mcc openapi`) has a single
    connection and takes none."""
    if is_sqlite(url) and make_url(url).database in (None, "", ":memory:"):
        return {}
    return {"pool_size": size, "max_overflow": overflow}


def create_engine(url: str) -> AsyncEngine:
    """Build the engine; SQLite runs its statements on the event loop's thread.

    See `inline_sqlite`: WAL lets the API read while the worker writes, and a
    writer that meets the lock waits on the loop instead of failing at once.
    """
    if is_sqlite(url):
        return sqlite_engine(url, 20, 20)
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def sqlite_engine(url: str, size: int, overflow: int) -> AsyncEngine:
    """An async SQLite engine on inline connections, `size` kept (+ `overflow`)."""
    return create_async_engine(url, module=InlineDBAPI(), **kept_connections(url, size, overflow))


class Database:
    """The engine plus its session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        name_failed_connects(self.engine, shown_url(url))
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine,
            class_=InlineSession if is_sqlite(url) else AsyncSession,
            expire_on_commit=False,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        if not settings.database_url:
            ensure_data_dir(settings.resolved_data_dir)
        return cls(settings.resolved_database_url)

    async def dispose(self) -> None:
        await self.engine.dispose()
