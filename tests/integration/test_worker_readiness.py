"""An `mcc api` process's health says what its workers can do, not what its own host can:
agents run on the workers' hosts, with the workers' settings."""

from __future__ import annotations

import socket
import uuid

import httpx

from mcc.sandbox.errors import INSTALL_HINT
from tests.conftest import free_port
from tests.support.http import local_client
from tests.support.processes import mcc_env, start_mcc, stop
from tests.support.waiting import eventually

NO_SHARED_EVENTS = (
    "MCC_REDIS_URL is not set: live updates of runs made by workers in other processes will"
    " not reach this API's dashboards; give every api and worker process the same"
    " MCC_REDIS_URL."
)


async def _health(url: str) -> dict | None:
    try:
        async with local_client(timeout=5) as client:
            response = await client.get(f"{url}/api/health")
    except httpx.HTTPError:
        return None
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_an_api_process_names_the_worker_process_that_has_no_sandbox(settings, tmp_path):
    # The API's host has bubblewrap (this machine); the worker's is pointed at none.
    common = {
        "MCC_SECRET_KEY": uuid.uuid4().hex * 2,
        "MCC_HOST": "127.0.0.1",
        "MCC_RATE_LIMIT_PER_MINUTE": "100000",  # the test polls
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    worker = start_mcc(
        "worker",
        mcc_env(settings, MCC_SANDBOX_BWRAP="/nonexistent/bwrap", **common),
        tmp_path / "worker.log",
    )
    api = start_mcc("api", mcc_env(settings, MCC_PORT=str(port), **common), tmp_path / "api.log")
    try:

        async def worker_seen() -> dict | None:
            body = await _health(url)
            return body if body and body["worker"] == "ok" and body["sandbox"] != "ready" else None

        body = await eventually(worker_seen, 60, "the API's health to report the worker")
        assert (body["status"], body["sandbox"], body["llm"]) == ("ok", "missing", "configured")
        assert body["problems"] == [
            f"sandbox missing on worker {worker.pid}@{socket.gethostname()}: bubblewrap"
            f" (/nonexistent/bwrap) was not found, so agent commands are refused: {INSTALL_HINT}",
            NO_SHARED_EVENTS,
        ]

        # Stopped, the worker is no longer counted: nothing is known of the sandbox.
        assert stop(worker) == 0
        gone = await _health(url)
        assert gone is not None
        assert (gone["sandbox"], gone["llm"]) == ("unknown", "unknown")
        assert not [p for p in gone["problems"] if str(worker.pid) in p]
    finally:
        for process in (worker, api):
            stop(process)
