"""Every limit counts the connection's address: headers a client writes itself do not
move it, unless the connection comes from a configured trusted proxy, whose own
appended hop is then the client (limits at their real defaults)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from api.server import MccServer
from mcc.config import Settings
from tests.conftest import PASSWORD, login_new_user
from tests.support.http import local_client
from tests.support.settings import DEFAULT_LIMITS

SPOOFS = [
    {"X-Forwarded-For": "203.0.113.9"},
    {"X-Forwarded-For": "203.0.113.9, 198.51.100.2"},
    {"X-Real-IP": "203.0.113.9"},
    {"Forwarded": "for=203.0.113.9;proto=https"},
    {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "198.51.100.2", "Forwarded": "for=1.2.3.4"},
]


@asynccontextmanager
async def _serving(settings: Settings, **update: object) -> AsyncIterator[httpx.AsyncClient]:
    server = MccServer(settings.model_copy(update={**DEFAULT_LIMITS, **update}), worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            client._mcc = server  # type: ignore[attr-defined]
            yield client
    finally:
        await server.stop()


async def test_spoofed_forwarding_headers_do_not_escape_the_api_limit(settings):
    limit = DEFAULT_LIMITS["rate_limit_per_minute"]
    assert limit == 300
    async with _serving(settings) as client:
        codes = [(await client.get("/api/health")).status_code for _ in range(limit)]
        assert set(codes) == {200}
        assert (await client.get("/api/health")).status_code == 429
        for headers in SPOOFS:
            spoofed = await client.get("/api/health", headers=headers)
            assert spoofed.status_code == 429, headers


async def test_spoofed_forwarding_headers_do_not_escape_the_login_limit(settings):
    assert DEFAULT_LIMITS["login_failures_per_minute"] == 5
    async with _serving(settings) as client:
        await login_new_user(client, client._mcc, "owner@example.com")
        for n in range(5):
            wrong = await client.post(
                "/api/auth/login",
                json={"email": f"guess{n}@example.com", "password": "not it"},
                headers=SPOOFS[n % len(SPOOFS)],
            )
            assert wrong.status_code == 401
        # This address is spent, whatever address the headers claim, for every account.
        for headers in SPOOFS:
            spoofed = await client.post(
                "/api/auth/login",
                json={"email": "owner@example.com", "password": PASSWORD},
                headers=headers,
            )
            assert spoofed.status_code == 429, headers


async def test_behind_a_trusted_proxy_the_proxys_own_hop_is_the_client(settings):
    async with _serving(settings, trusted_proxies=["127.0.0.0/8", "10.0.0.0/8"]) as client:
        # What the client wrote (left) varies; the hop the proxy appended (right) does not.
        for n in range(DEFAULT_LIMITS["rate_limit_per_minute"]):
            forwarded = {"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.7"}
            assert (await client.get("/api/health", headers=forwarded)).status_code == 200
        spent = [
            {"X-Forwarded-For": "203.0.113.7"},
            {"X-Forwarded-For": "192.0.2.1, 203.0.113.7"},
            # A second trusted proxy in the chain is skipped, not taken for the client.
            {"X-Forwarded-For": "192.0.2.1, 203.0.113.7, 10.1.2.3"},
        ]
        for headers in spent:
            assert (await client.get("/api/health", headers=headers)).status_code == 429, headers
        # Another client of the same proxy, and the proxy's own requests, are not limited.
        other = {"X-Forwarded-For": "203.0.113.7, 198.51.100.77"}
        assert (await client.get("/api/health", headers=other)).status_code == 200
        assert (await client.get("/api/health")).status_code == 200
