"""MCC's API alone (no worker, no Temporal) on a free port, with an owner and a project:
what bench/fanout.py and bench/api_read.py measure."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.server import MccServer
from mcc.db.migrate import upgrade
from tests.conftest import login_new_user
from tests.support.repos import make_repo
from tests.support.settings import local_settings


@dataclass
class Api:
    server: MccServer
    url: str
    token: str
    project_id: int


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def api_only() -> AsyncIterator[Api]:
    """SQLite in a temporary dir; Temporal's address answers nothing (reads need none)."""
    with tempfile.TemporaryDirectory(prefix="mcc-bench-") as tmp:
        root = Path(tmp)
        url = f"sqlite+aiosqlite:///{root / 'mcc.db'}"
        await asyncio.to_thread(upgrade, url)
        settings = local_settings(root / "data", url, f"127.0.0.1:{_closed_port()}", "bench")
        server = MccServer(settings, worker=False)
        await server.start()
        try:
            base = f"http://127.0.0.1:{server.port}"
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                await login_new_user(client, server, "bench@example.com")
                repo = make_repo(root / "repo")
                created = await client.post(
                    "/api/projects", json={"name": "bench", "repo_path": str(repo)}
                )
                created.raise_for_status()
                token = client.headers["Authorization"].removeprefix("Bearer ")
                yield Api(server, base, token, int(created.json()["id"]))
        finally:
            await server.stop()
