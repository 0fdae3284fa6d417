"""A throwaway PostgreSQL database per test (created, then dropped with FORCE).

The server is found by tests/support/services.py: testcontainers where a Docker
engine answers, else the local server (or MCC_TEST_POSTGRES_DSN).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from tests.support.services import postgres_admin_dsn


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(postgres_admin_dsn())
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


def _url(name: str) -> str:
    base = postgres_admin_dsn().rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"


@asynccontextmanager
async def temporary_database(template: str | None = None) -> AsyncIterator[str]:
    """Yield an asyncpg SQLAlchemy URL for a new database: empty, or a copy of
    `template` (a database nobody is connected to)."""
    name = f"mcc_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _url(name)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]
