"""`mcc up` as a person runs it: everything starts, Ctrl-C stops every child, and a
second start finds the same projects, issues and run histories."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx
from temporalio.client import Client

from tests.conftest import PASSWORD, free_port
from tests.support.decisions import decide
from tests.support.http import local_client
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
        body = (await api.get("/api/health")).json()
    except httpx.HTTPError:
        return False
    # The database and Temporal answer (the sandbox and LLM are reported beside them).
    return {key: body.get(key) for key in ("status", "db", "temporal")} == {
        "status": "ok",
        "db": "ok",
        "temporal": "ok",
    }


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
        async with local_client(base_url=base, timeout=10) as api:
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
        async with local_client(base_url=base, timeout=10) as api:
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


def _env(tmp_path, name: str, temporal_port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    env.update(
        MCC_DATA_DIR=str(tmp_path / name),
        MCC_TEMPORAL_ADDRESS=f"127.0.0.1:{temporal_port}",
        MCC_TEMPORAL_EMBEDDED="false",
        MCC_TEMPORAL_TASK_QUEUE=f"mcc-{name}",
        MCC_AGENT_DEFAULT_MODEL="test/model",
        **extra,
    )
    return env


def _run(command: str, env: dict[str, str], log) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", command],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


async def _health(base: str) -> tuple[int, dict] | None:
    """The status code and whether the database and Temporal answer (the sandbox and
    LLM reported beside them are other tests' concern)."""
    try:
        async with local_client(timeout=5) as client:
            response = await client.get(f"{base}/api/health")
    except httpx.HTTPError:
        return None
    body = response.json()
    return response.status_code, {key: body.get(key) for key in ("status", "db", "temporal")}


async def test_mcc_waits_for_a_temporal_that_is_still_starting(tmp_path, llm, company):
    """`mcc up`, `mcc api` and `mcc worker` are started first; Temporal comes up later
    on their address. None of them exits, and once Temporal answers they all work."""
    temporal_port, ui_port = free_port(), free_port()
    up_port, api_port = free_port(), free_port()
    log = (tmp_path / "processes.log").open("ab")
    up_env = _env(tmp_path, "up", temporal_port, MCC_PORT=str(up_port))
    scaled_env = _env(
        tmp_path, "scaled", temporal_port, MCC_PORT=str(api_port), MCC_LLM_BASE_URL=llm.base_url
    )
    migrated = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"], env=scaled_env, capture_output=True
    )
    assert migrated.returncode == 0, migrated.stderr
    processes = [_run("up", up_env, log), _run("api", scaled_env, log)]
    processes.append(_run("worker", scaled_env, log))
    temporal: subprocess.Popen[bytes] | None = None
    try:
        # The API alone serves at once and says Temporal is down; nobody has given up.
        down = await eventually(
            lambda: _health(f"http://127.0.0.1:{api_port}"), 60, "mcc api to serve"
        )
        assert down == (503, {"status": "degraded", "db": "ok", "temporal": "down"})
        await asyncio.sleep(3)
        assert [p.poll() for p in processes] == [None, None, None]

        temporal_env = _env(
            tmp_path,
            "temporal",
            temporal_port,
            MCC_TEMPORAL_UI_PORT=str(ui_port),
            MCC_TEMPORAL_UI_URL=f"http://127.0.0.1:{ui_port}",
        )
        temporal = _run("temporal", temporal_env, log)

        for port in (up_port, api_port):
            base = f"http://127.0.0.1:{port}"

            async def ok(base: str = base) -> bool:
                return await _health(base) == (200, {"status": "ok", "db": "ok", "temporal": "ok"})

            await eventually(ok, 120, f"MCC on {port} to find Temporal")

        # The worker that started before Temporal runs an issue the API took.
        async with local_client(base_url=f"http://127.0.0.1:{api_port}", timeout=10) as api:
            setup = await api.post(
                "/api/auth/setup", json={"email": "me@example.com", "password": PASSWORD}
            )
            api.headers["Authorization"] = f"Bearer {setup.json()['access_token']}"
            repo = make_repo(tmp_path / "src")
            project = await api.post("/api/projects", json={"name": "Late", "repo_path": str(repo)})
            pid = project.json()["id"]
            await api.post(f"/api/projects/{pid}/issues", json={"title": "Wait", "body": "x"})
            await wait_for_phase(api, pid, 1, "awaiting_approval", timeout_s=90)
        assert [p.poll() for p in processes] == [None, None, None]
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        codes = [process.wait(timeout=60) for process in processes]
        if temporal is not None:
            temporal.send_signal(signal.SIGINT)
            temporal.wait(timeout=60)
    assert codes == [0, 0, 0], (tmp_path / "processes.log").read_text()[-3000:]


def test_mcc_up_gives_up_with_a_message_when_temporal_never_answers(tmp_path):
    env = _env(
        tmp_path, "up", free_port(), MCC_PORT=str(free_port()), MCC_TEMPORAL_START_TIMEOUT_S="3"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "up"], env=env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 1
    assert "did not answer within 3s" in result.stderr, result.stderr[-2000:]
    assert time.monotonic() - started < 60
