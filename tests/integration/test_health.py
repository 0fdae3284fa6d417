"""GET /api/health names what is down, and what keeps runs from moving."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.server import MccServer
from api.temporal_link import TemporalLink
from api.worker_presence import worker_state
from mcc.config import Settings
from mcc.db.schema_check import head_revision
from mcc.runtime import Runtime
from tests.conftest import free_port
from tests.integration.test_worker_readiness import NO_SHARED_EVENTS
from tests.support.http import local_client
from tests.support.tcp_relay import tcp_relay
from tests.support.temporal import start_dev_server
from tests.support.waiting import eventually


async def test_health_is_ok_when_database_temporal_and_a_worker_answer(api):
    async def seen_worker() -> httpx.Response | None:
        response = await api.get("/api/health")
        return response if response.json()["worker"] == "ok" else None

    # The worker polls from its first moments; Temporal sees it at its first poll.
    response = await eventually(seen_worker, 10, "health to see the worker")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "db": "ok",
        "temporal": "ok",
        "worker": "ok",
        "redis": "not_used",
        "sandbox": "ready",
        "llm": "configured",
        "readiness_of": "this_process",
        "problems": [],
    }


async def _health_of(settings: Settings) -> tuple[int, dict]:
    """Health as an API alone (no worker) with `settings` answers it."""
    server = MccServer(settings, worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/api/health")
            return response.status_code, response.json()
    finally:
        await server.stop()


async def test_health_says_temporal_is_down_with_503(settings):
    dead = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    code, body = await _health_of(dead)
    # Issues are kept when Temporal is down, with an explanation.
    assert code == 503
    assert (body["status"], body["db"], body["temporal"]) == ("degraded", "ok", "down")
    assert (
        f"Temporal at {dead.temporal_address} (MCC_TEMPORAL_ADDRESS) does not answer:"
        " runs wait, and new issues are kept and start once it does."
    ) in body["problems"]


async def test_a_temporal_that_never_answers_does_not_hold_the_health_probe(settings):
    """An address that accepts connections and says nothing (a firewall, a wrong
    service): health answers within a probe's patience, Temporal down."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        server = MccServer(settings.model_copy(update={"temporal_address": address}), worker=False)
        await server.start()
        try:
            async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
                began = time.monotonic()
                response = await client.get("/api/health", timeout=30)
                took = time.monotonic() - began
        finally:
            await server.stop()
    assert (response.status_code, response.json()["temporal"]) == (503, "down")
    assert took < 5, took


async def test_a_connection_temporal_closed_is_not_reported_as_temporal_down(settings):
    """Temporal closes each connection at its maximum age (every few minutes): the probe
    that next uses it must still say Temporal answers, not flash "Temporal down"."""
    async with tcp_relay(int(settings.temporal_address.rpartition(":")[2])) as relay:
        address = f"127.0.0.1:{relay.port}"
        link = TemporalLink(settings.model_copy(update={"temporal_address": address}))
        assert await link.healthy()
        for _ in range(10):
            relay.cut()
            assert await link.healthy()


async def test_health_says_the_database_is_down_with_503(settings, tmp_path):
    broken = settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/mcc.db"}
    )
    code, body = await _health_of(broken)
    assert code == 503
    assert (body["status"], body["db"], body["temporal"]) == ("degraded", "down", "ok")
    assert body["problems"][0] == (
        f"The database {broken.resolved_database_url} does not answer"
        " (unable to open database file)."
    )


async def test_health_names_a_database_that_was_never_migrated(settings, tmp_path):
    """An API started on a database `mcc migrate` never saw (`mcc api` refuses one at
    start; health still says so when one is swapped under a running API)."""
    empty = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/e.db"})
    code, body = await _health_of(empty)
    assert (code, body["status"], body["db"]) == (503, "degraded", "down")
    assert body["problems"][0] == (
        f"The database {empty.resolved_database_url} is not migrated for this MCC (it"
        f" has no MCC schema yet; this MCC needs {head_revision()}): run `mcc migrate`"
        " with the same MCC_DATABASE_URL."
    )


@pytest.mark.external_worker
async def test_health_says_no_worker_polls_until_one_starts(api, settings):
    response = await api.get("/api/health")
    # The API serves (a probe keeps it), and says why issues would stay queued.
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["worker"]) == ("ok", "none")
    # No worker has said what it can do, and the API's own host is not where agents run.
    assert (body["sandbox"], body["llm"], body["readiness_of"]) == ("unknown", "unknown", "workers")
    assert body["problems"] == [
        f"No worker polls Temporal's task queue {settings.temporal_task_queue!r}: runs wait"
        " until a worker is started (`mcc worker`, or `mcc up`, which runs one).",
        NO_SHARED_EVENTS,
    ]

    worker = MccServer(settings, api=False)
    await worker.start()
    try:

        async def seen_worker() -> dict | None:
            body = (await api.get("/api/health")).json()
            return body if body["worker"] == "ok" else None

        body = await eventually(seen_worker, 10, "health to see the worker")
        assert (body["sandbox"], body["llm"]) == ("ready", "configured")
        assert body["problems"] == [NO_SHARED_EVENTS]
    finally:
        await worker.stop()


async def test_an_api_without_redis_says_workers_live_updates_will_not_reach_its_dashboards(
    settings, redis_url
):
    code, body = await _health_of(settings)
    # A problem to fix, not an outage: the API serves, the dashboards refetch.
    assert (code, body["status"], body["redis"]) == (200, "ok", "not_used")
    assert NO_SHARED_EVENTS in body["problems"]

    code, body = await _health_of(settings.model_copy(update={"redis_url": redis_url}))
    assert (code, body["redis"]) == (200, "ok")
    assert NO_SHARED_EVENTS not in body["problems"]


async def test_an_api_names_the_worker_whose_llm_is_not_configured(settings):
    worker = MccServer(settings.model_copy(update={"llm_base_url": "notaurl"}), api=False)
    await worker.start()
    try:
        code, body = await _health_of(settings)  # the API's own LLM setting is fine
    finally:
        await worker.stop()

    assert (code, body["status"], body["llm"], body["sandbox"]) == (
        200,
        "ok",
        "not_configured",
        "ready",
    )
    assert (
        f"LLM not configured on worker {os.getpid()}@{socket.gethostname()}: LLM base URL"
        " 'notaurl' is not an http(s) URL"
    ) in body["problems"]


async def test_health_says_redis_answers_when_it_does(settings, redis_url):
    server = MccServer(settings.model_copy(update={"redis_url": redis_url}), worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/api/health")
            assert (response.status_code, response.json()["redis"]) == (200, "ok")
    finally:
        await server.stop()


async def test_an_unreachable_redis_is_a_503_that_names_it_not_an_internal_error(settings):
    dead_redis = f"redis://127.0.0.1:{free_port()}/5"
    server = MccServer(settings.model_copy(update={"redis_url": dead_redis}), worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            health = await client.get("/api/health")
            login = await client.post(
                "/api/auth/login", json={"email": "a@example.com", "password": "whatever"}
            )
    finally:
        await server.stop()

    assert health.status_code == 503
    body = health.json()
    assert (body["status"], body["redis"]) == ("degraded", "down")
    assert (
        f"Redis at {dead_redis} (MCC_REDIS_URL) does not answer: requests are refused"
        " and live updates stop until it does."
    ) in body["problems"]
    assert login.status_code == 503
    assert login.json()["error"] == {
        "code": "service_unavailable",
        "message": f"Redis at {dead_redis} (MCC_REDIS_URL) does not answer, and the API"
        " counts every request there (rate limits): try again once it is back.",
    }


async def test_api_and_worker_say_once_at_start_that_redis_does_not_answer(settings, caplog):
    dead_redis = f"redis://:secret@127.0.0.1:{free_port()}/5"
    dead = settings.model_copy(update={"redis_url": dead_redis})
    for parts in ({"worker": False}, {"api": False}):
        server = MccServer(dead, **parts)
        await server.start()
        await server.stop()

    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.levelname == "WARNING" and "MCC_REDIS_URL" in record.getMessage()
    ]
    assert len(warnings) == 2, warnings
    assert all("does not answer" in line and "secret" not in line for line in warnings)


async def test_health_says_the_llm_is_not_configured_when_its_url_is_not_http(settings):
    server = MccServer(settings.model_copy(update={"llm_base_url": "notaurl"}))  # as `mcc up`
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            body = (await client.get("/api/health")).json()
    finally:
        await server.stop()

    # The same sentence as the settings page's "Test connection".
    assert body["llm"] == "not_configured"
    assert "LLM not configured: LLM base URL 'notaurl' is not an http(s) URL" in body["problems"]


@contextlib.asynccontextmanager
async def api_alone(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API app served by uvicorn with a Temporal link that connects only when asked (no
    background retry as in `MccServer`): what a health probe sees is the probe's own doing."""
    runtime = Runtime.build(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime, TemporalLink(settings)),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with local_client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        await serving
        await runtime.close()


async def test_the_first_health_after_temporal_returns_sees_the_worker_that_polls(settings):
    port = free_port()
    temporal = await start_dev_server(port=port)
    settings = settings.model_copy(update={"temporal_address": f"127.0.0.1:{port}"})
    queue = settings.temporal_task_queue
    worker = MccServer(settings, api=False)
    await worker.start()
    try:
        await temporal.shutdown()
        # An API that starts while Temporal is away (compose starts everything at once).
        async with api_alone(settings) as api:
            away = (await api.get("/api/health")).json()
            assert (away["temporal"], away["worker"]) == ("down", "unknown")

            temporal = await start_dev_server(port=port)

            async def polled() -> bool:
                return await worker_state(temporal.client, queue) == "ok"

            await eventually(polled, 30, "the worker to poll the restarted Temporal")
            first = await api.get("/api/health")
            assert first.status_code == 200, first.text
            body = first.json()
            assert (body["status"], body["temporal"], body["worker"]) == ("ok", "ok", "ok")
            assert body["problems"] == [NO_SHARED_EVENTS]  # the API and its worker share no Redis

            # And with the API connected all along: its client reconnects by itself.
            await temporal.shutdown()
            assert (await api.get("/api/health")).json()["worker"] == "unknown"
            temporal = await start_dev_server(port=port)
            await eventually(polled, 30, "the worker to poll Temporal restarted again")
            again = (await api.get("/api/health")).json()
            assert (again["temporal"], again["worker"]) == ("ok", "ok")
    finally:
        await worker.stop()
        await temporal.shutdown()
