"""A migrated MCC (API and worker) that a bench or the history recorder starts on an
existing Temporal, in this process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from temporalio.worker import Interceptor

from api.server import MccServer
from mcc.db.migrate import upgrade
from tests.support.settings import local_settings


@contextlib.asynccontextmanager
async def local_mcc(
    root: Path,
    database_url: str,
    temporal_address: str,
    queue: str,
    *,
    interceptors: Sequence[Interceptor] = (),
    **extra: Any,
) -> AsyncIterator[MccServer]:
    """MCC on `database_url` (migrated first), data under `root/data`; stopped on exit."""
    await asyncio.to_thread(upgrade, database_url)
    server = MccServer(
        local_settings(root / "data", database_url, temporal_address, queue, **extra),
        interceptors=interceptors,
    )
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
