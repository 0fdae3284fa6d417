"""The scaled mode as separate processes: PostgreSQL, Redis, a standalone Temporal dev
server, two `mcc api` and two `mcc worker` processes, one whole issue through them."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from pathlib import Path

import httpx
import socketio
from sqlalchemy import func, select

from mcc.agents.briefs import TaskKind
from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.models.token_usage import TokenUsage
from tests.conftest import PASSWORD, free_port
from tests.support.company import Rule, call, finish
from tests.support.http import local_client
from tests.support.postgres import temporary_database
from tests.support.processes import MCC, kill_hard, mcc_env, start_mcc, stop
from tests.support.repos import git, make_repo
from tests.support.settings import local_settings
from tests.support.waiting import eventually, wait_for_phase

EMAIL = "scaled@example.com"


def _running_under(marker: str, candidates: list) -> object | None:
    """The candidate process with a descendant whose command line holds `marker`."""
    pids = {process.pid: process for process in candidates}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() not in (entry / "cmdline").read_bytes():
                continue
            pid = int(entry.name)
            while pid > 1:
                if pid in pids:
                    return pids[pid]
                pid = int(
                    (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
        except (OSError, ValueError, IndexError):
            continue
    return None


async def _healthy(url: str) -> bool:
    try:
        async with local_client(timeout=2) as client:
            return (await client.get(f"{url}/api/health")).status_code == 200
    except httpx.HTTPError:
        return False


async def _login(url: str) -> str:
    async with local_client(base_url=url, timeout=10) as client:
        response = await client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


async def test_an_issue_runs_through_two_api_and_two_worker_processes_that_die_on_the_way(
    tmp_path, temporal_address, llm, company, redis_url
):
    # The coder runs one command long enough for the test to find its worker and kill it.
    marker = f"mcc-scaled-{uuid.uuid4().hex}"
    company.rules.append(
        Rule("coder", TaskKind.CODE, [call("run_command", command=f"sleep 4 # {marker}"), finish()])
    )
    async with temporary_database() as database_url:
        await asyncio.to_thread(upgrade, database_url)
        settings = local_settings(
            tmp_path / "data", database_url, temporal_address, "scaled", llm_base_url=llm.base_url
        )
        common = {
            "MCC_REDIS_URL": redis_url,
            "MCC_SECRET_KEY": uuid.uuid4().hex * 2,  # one key for all, as in the compose file
            "MCC_HOST": "127.0.0.1",
            "MCC_RATE_LIMIT_PER_MINUTE": "100000",
            "MCC_LOGIN_FAILURES_PER_MINUTE": "3",
        }
        created = subprocess.run(
            [*MCC, "user", "create", "--email", EMAIL, "--password-stdin"],
            input=PASSWORD + "\n",
            env=mcc_env(settings, **common),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stderr
        ports = [free_port(), free_port()]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        apis = [
            start_mcc(
                "api", mcc_env(settings, MCC_PORT=str(port), **common), tmp_path / f"api{n}.log"
            )
            for n, port in enumerate(ports)
        ]
        worker_env = mcc_env(settings, **common)
        workers = [start_mcc("worker", worker_env, tmp_path / f"worker{n}.log") for n in range(2)]
        sock = socketio.AsyncClient()
        try:
            for url in urls:
                await eventually(lambda url=url: _healthy(url), 60, f"{url} to be healthy")
            token = await _login(urls[0])  # a token from API #1 is good on API #2
            headers = {"Authorization": f"Bearer {token}"}
            first = local_client(base_url=urls[0], headers=headers, timeout=30)
            second = local_client(base_url=urls[1], headers=headers, timeout=30)

            repo = make_repo(tmp_path / "src")
            project = (
                await first.post("/api/projects", json={"name": "Scaled", "repo_path": str(repo)})
            ).json()
            pid = project["id"]
            origin = settings.repos_dir / str(pid) / "origin.git"

            # A dashboard on API #2 sees what the workers do (Redis fan-out).
            progress: list[dict] = []
            sock.on("task_progress", progress.append)
            await sock.connect(urls[1], transports=["websocket"], auth={"token": token})
            assert (await sock.call("join_project", {"project_id": pid}))["ok"] is True

            filed = await first.post(
                f"/api/projects/{pid}/issues", json={"title": "Go", "body": "x"}
            )
            assert filed.status_code == 201, filed.text

            # Kill -9 the worker that is running the coder's command.
            holder = await eventually(
                lambda: _async(_running_under(marker, workers)), 60, "the coder's command"
            )
            kill_hard(holder)
            survivor = next(w for w in workers if w is not holder)
            # And API #1: the rest goes through API #2 only.
            kill_hard(apis[0])
            await first.aclose()

            shown = await wait_for_phase(second, pid, 1, "awaiting_approval", timeout_s=120)
            decision = {"round": shown["round"], "head": shown["head"]}
            approved = await second.post(f"/api/projects/{pid}/issues/1/approve", json=decision)
            assert approved.status_code == 202, approved.text
            done = await wait_for_phase(second, pid, 1, "done", timeout_s=60)
            assert survivor.poll() is None, "the surviving worker died"
            await eventually(
                lambda: _async(any(e.get("status") == "done" for e in progress)),
                30,
                "the done event on API #2's socket",
            )
            await second.aclose()
            db = Database(database_url)
            async with db.sessions() as session:
                charged_calls = await session.scalar(select(func.count()).select_from(TokenUsage))
            await db.dispose()
        finally:
            await sock.disconnect()
            for process in [*apis, *workers]:
                stop(process)

        # The run finished once, on the survivors.
        assert done["pull_request"]["merge_sha"] == git(origin, "rev-parse", "main").strip()
        commits = git(origin, "log", "--format=%s", "main").splitlines()
        assert commits.count("Spec: .mcc/specs/1.md") == 1
        # The workers' events reached the socket on API #2, phases in order.
        phases = [e["status"] for e in progress if "agent" not in e]
        assert phases[-3:] == ["awaiting_approval", "merging", "done"]
        assert {e["agent"] for e in progress if "agent" in e} >= {"architect", "reviewer"}
        # No LLM step was asked twice: every request the LLM answered is one charged
        # step in the ledger (a re-asked step finds its answer stored and asks nothing).
        assert len(llm.chat_requests) >= 4  # architect, coder, tester, reviewer at least
        assert len(llm.chat_requests) == charged_calls


async def test_both_api_processes_count_failed_logins_in_one_window(
    tmp_path, temporal_address, redis_url
):
    async with temporary_database() as database_url:
        await asyncio.to_thread(upgrade, database_url)
        settings = local_settings(tmp_path / "data", database_url, temporal_address, "scaled")
        env = {
            "MCC_REDIS_URL": redis_url,
            "MCC_SECRET_KEY": uuid.uuid4().hex * 2,
            "MCC_HOST": "127.0.0.1",
            "MCC_LOGIN_FAILURES_PER_MINUTE": "3",
        }
        ports = [free_port(), free_port()]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        apis = [
            start_mcc("api", mcc_env(settings, MCC_PORT=str(port), **env), tmp_path / f"api{n}.log")
            for n, port in enumerate(ports)
        ]
        try:
            for url in urls:
                await eventually(lambda url=url: _healthy(url), 60, f"{url} to be healthy")
            codes = []
            async with local_client(timeout=10) as client:
                for url in (urls[0], urls[1], urls[0], urls[1]):
                    response = await client.post(
                        f"{url}/api/auth/login", json={"email": EMAIL, "password": "wrong"}
                    )
                    codes.append(response.status_code)
        finally:
            for process in apis:
                stop(process)

    assert codes == [401, 401, 401, 429]


async def _async(value):
    return value
