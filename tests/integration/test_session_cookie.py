"""The refresh cookie is Secure, and HSTS is sent, exactly when the browser reached MCC
over HTTPS: directly, or through a trusted proxy whose X-Forwarded-Proto says so. On
plain http (a LAN address without TLS) a Secure cookie would be dropped by the browser
and the session lost on every reload."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from api.server import MccServer
from mcc.config import Settings
from mcc.errors import Conflict
from mcc.security.accounts import create_user
from tests.conftest import PASSWORD
from tests.support.http import local_client

EMAIL = "owner@example.com"
VIA_TLS_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"}


@asynccontextmanager
async def _serving(settings: Settings, **update: object) -> AsyncIterator[httpx.AsyncClient]:
    server = MccServer(settings.model_copy(update=update), worker=False)
    await server.start()
    try:
        async with server.runtime.db.sessions() as session:
            with contextlib.suppress(Conflict):  # made by an earlier server of the test
                await create_user(session, EMAIL, PASSWORD)
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            yield client
    finally:
        await server.stop()


async def _login(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    response = await client.post(
        "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response


def _secure(response: httpx.Response) -> bool:
    attributes = response.headers["set-cookie"].split(";")
    return "secure" in {attribute.strip().lower() for attribute in attributes}


async def test_on_plain_http_by_lan_address_the_session_survives_a_reload(settings):
    async with _serving(settings, host="0.0.0.0") as client:
        login = await _login(client, {})
        assert not _secure(login)
        assert "strict-transport-security" not in login.headers
        # The page's reload: the browser sends the cookie back and gets a new access token.
        reload = await client.post("/api/auth/refresh")
        assert reload.status_code == 200, reload.text
        assert not _secure(reload)


async def test_behind_a_trusted_tls_proxy_the_cookie_is_secure_and_hsts_is_sent(settings):
    async with _serving(settings, trusted_proxies=["127.0.0.1"]) as client:
        login = await _login(client, VIA_TLS_PROXY)
        assert _secure(login)
        assert login.headers["strict-transport-security"] == "max-age=31536000"
        plain = await _login(client, {"X-Forwarded-Proto": "http"})
        assert not _secure(plain) and "strict-transport-security" not in plain.headers
    # The same header from a peer that is not a trusted proxy is the client's own claim.
    async with _serving(settings) as client:
        spoofed = await _login(client, VIA_TLS_PROXY)
        assert not _secure(spoofed) and "strict-transport-security" not in spoofed.headers


async def test_mcc_cookie_secure_wins_over_what_the_request_says(settings):
    async with _serving(settings, trusted_proxies=["127.0.0.1"], cookie_secure=False) as client:
        login = await _login(client, VIA_TLS_PROXY)
        assert not _secure(login)
        assert "strict-transport-security" in login.headers  # still HTTPS to the browser
    async with _serving(settings, cookie_secure=True) as client:
        assert _secure(await _login(client, {}))
