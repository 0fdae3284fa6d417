"""GET /api/health names what is down."""

from __future__ import annotations

import httpx

from api.server import MccServer
from tests.conftest import free_port


async def test_health_is_ok_when_database_and_temporal_answer(api):
    response = await api.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "db": "ok",
        "temporal": "ok",
        "sandbox": "ready",
        "llm": "configured",
        "problems": [],
    }


async def test_health_says_temporal_is_down_with_503(settings):
    dead = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    server = MccServer(dead, worker=False)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/api/health")
            # Issues are kept when Temporal is down, with an explanation.
            assert response.status_code == 503
            body = response.json()
            assert (body["status"], body["db"], body["temporal"]) == ("degraded", "ok", "down")
    finally:
        await server.stop()


async def test_health_says_the_database_is_down_with_503(settings, tmp_path):
    broken = settings.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/mcc.db"}
    )
    server = MccServer(broken, worker=False)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/api/health")
            assert response.status_code == 503
            body = response.json()
            assert (body["status"], body["db"], body["temporal"]) == ("degraded", "down", "ok")
    finally:
        await server.stop()


async def test_health_says_the_llm_is_not_configured_when_its_url_is_not_http(settings):
    server = MccServer(settings.model_copy(update={"llm_base_url": "notaurl"}), worker=False)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            body = (await client.get("/api/health")).json()
    finally:
        await server.stop()

    # The same sentence as the settings page's "Test connection".
    assert body["llm"] == "not_configured"
    assert "LLM not configured: LLM base URL 'notaurl' is not an http(s) URL" in body["problems"]
