"""Authenticated API requests count against the user's window, anonymous ones against the IP's:
a person's tabs share one window, and people behind one address do not starve each other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.server import MccServer
from mcc.db.migrate import upgrade
from mcc.security.accounts import create_user
from tests.conftest import PASSWORD
from tests.support.http import local_client
from tests.support.settings import local_settings

LIMIT = 6


@pytest.fixture
async def mcc(tmp_path: Path, temporal_address: str) -> AsyncIterator[MccServer]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    await asyncio.to_thread(upgrade, url)
    settings = local_settings(
        tmp_path / "data", url, temporal_address, "mcc-limits", rate_limit_per_minute=LIMIT
    )
    server = MccServer(settings, worker=False)
    await server.start()
    async with server.runtime.db.sessions() as session:
        await create_user(session, "ada@example.com", PASSWORD)
        await create_user(session, "bob@example.com", PASSWORD)
    try:
        yield server
    finally:
        await server.stop()


def _token(mcc: MccServer, user_id: int) -> dict[str, str]:
    """An access token as login issues it (login itself would spend the IP's window)."""
    token = mcc.runtime.keys.access_tokens.issue(user_id)
    return {"Authorization": f"Bearer {token}"}


async def _codes(client: httpx.AsyncClient, n: int, headers: dict[str, str]) -> list[int]:
    return [(await client.get("/api/projects", headers=headers)).status_code for _ in range(n)]


async def test_a_users_tabs_share_one_window_and_other_people_keep_theirs(mcc: MccServer) -> None:
    ada, bob = _token(mcc, 1), _token(mcc, 2)
    async with local_client(base_url=f"http://127.0.0.1:{mcc.port}") as client:
        # Two tabs of Ada, one address: together they get LIMIT requests, then 429.
        first_tab = await _codes(client, LIMIT // 2, ada)
        second_tab = await _codes(client, LIMIT // 2, ada)
        assert first_tab + second_tab == [200] * LIMIT
        refused = await client.get("/api/projects", headers=ada)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"]["code"] == "rate_limited"
        # Bob, behind the same address, still has his whole window.
        assert await _codes(client, LIMIT, bob) == [200] * LIMIT
        # So has the address itself for requests without a session (the login page).
        assert (await client.get("/api/health")).status_code == 200


async def test_a_forged_token_counts_against_the_address(mcc: MccServer) -> None:
    forged = {"Authorization": "Bearer not.a.token"}
    async with local_client(base_url=f"http://127.0.0.1:{mcc.port}") as client:
        codes = [
            (await client.get("/api/health", headers=forged)).status_code for _ in range(LIMIT)
        ]
        assert codes == [200] * LIMIT
        assert (await client.get("/api/health")).status_code == 429
        # A valid session is not held hostage by the address's window.
        assert (await client.get("/api/projects", headers=_token(mcc, 1))).status_code == 200
