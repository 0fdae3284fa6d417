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


@asynccontextmanager
async def temporary_database() -> AsyncIterator[str]:
    """Yield an asyncpg SQLAlchemy URL for a new, empty database."""
    admin_dsn = postgres_admin_dsn()
    name = f"mcc_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
