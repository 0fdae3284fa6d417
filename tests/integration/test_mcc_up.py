"""`mcc up` as a person runs it: everything starts, Ctrl-C stops every child, and a
second start finds the same projects, issues and run histories."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
from temporalio.client import Client

from tests.conftest import PASSWORD, free_port
from tests.support.decisions import decide
from tests.support.repos import git, make_repo
from tests.support.waiting import eventually, wait_for_phase


def _start(env: dict[str, str], log) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "up"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


async def _healthy(api: httpx.AsyncClient) -> bool:
    try:
        return (await api.get("/api/health")).json() == {
            "status": "ok",
            "db": "ok",
            "temporal": "ok",
        }
    except httpx.HTTPError:
        return False


def _port_closed(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


async def test_mcc_up_serves_everything_and_keeps_state_across_restarts(tmp_path, llm, company):
    port, temporal_port, ui_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    env.update(
        MCC_DATA_DIR=str(tmp_path / "data"),
        MCC_PORT=str(port),
        MCC_TEMPORAL_ADDRESS=f"127.0.0.1:{temporal_port}",
        MCC_TEMPORAL_UI_PORT=str(ui_port),
        MCC_TEMPORAL_UI_URL=f"http://127.0.0.1:{ui_port}",
        MCC_LLM_BASE_URL=llm.base_url,
        MCC_AGENT_DEFAULT_MODEL="test/model",
    )
    log = (tmp_path / "up.log").open("ab")
    base = f"http://127.0.0.1:{port}"
    repo = make_repo(tmp_path / "src")

    process = _start(env, log)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as api:
            await eventually(lambda: _healthy(api), 90, "mcc up to be healthy")
            assert (await api.get("/api/auth/setup")).json() == {"needed": True}
            setup = await api.post(
                "/api/auth/setup", json={"email": "me@example.com", "password": PASSWORD}
            )
            assert setup.status_code == 201, setup.text
            api.headers["Authorization"] = f"Bearer {setup.json()['access_token']}"
            project = (
                await api.post("/api/projects", json={"name": "Up", "repo_path": str(repo)})
            ).json()
            pid = project["id"]
            await api.post(f"/api/projects/{pid}/issues", json={"title": "Persist", "body": "x"})
            await wait_for_phase(api, pid, 1, "awaiting_approval", timeout_s=60)

            # The Temporal UI answers, and runs are filterable by MCC's search attributes.
            ui = await api.get(f"http://127.0.0.1:{ui_port}/")
            assert ui.status_code == 200
            client = await Client.connect(f"127.0.0.1:{temporal_port}")

            async def listed() -> list[str]:
                query = 'MccProject = "up" AND MccIssue = 1 AND MccPhase = "awaiting_approval"'
                return [wf.id async for wf in client.list_workflows(query)]

            assert await eventually(listed, 30, "the run in Temporal's visibility") == [
                "issue/up/1"
            ]
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 0, (tmp_path / "up.log").read_text()[-3000:]
    # Ctrl-C stopped every child: nothing listens any more.
    assert _port_closed(port) and _port_closed(temporal_port) and _port_closed(ui_port)

    process = _start(env, log)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as api:
            await eventually(lambda: _healthy(api), 90, "mcc up to be healthy again")
            assert (await api.get("/api/auth/setup")).json() == {"needed": False}
            login = await api.post(
                "/api/auth/login", json={"email": "me@example.com", "password": PASSWORD}
            )
            api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            assert [p["name"] for p in (await api.get("/api/projects")).json()] == ["Up"]
            issue = await wait_for_phase(api, pid, 1, "awaiting_approval", timeout_s=30)
            assert issue["title"] == "Persist"
            assert (await decide(api, pid, 1, "approve")).status_code == 202
            done = await wait_for_phase(api, pid, 1, "done", timeout_s=60)
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 0
    origin = tmp_path / "data" / "repos" / str(pid) / "origin.git"
    assert git(origin, "rev-parse", "main").strip() == done["pull_request"]["merge_sha"]
