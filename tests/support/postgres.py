"""A throwaway PostgreSQL database per test (created, then dropped with FORCE)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

ADMIN_DSN = os.environ.get("MCC_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


@asynccontextmanager
async def temporary_database() -> AsyncIterator[str]:
    """Yield an asyncpg SQLAlchemy URL for a new, empty database."""
    name = f"mcc_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(ADMIN_DSN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
