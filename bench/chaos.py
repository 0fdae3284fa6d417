"""N issues through the scaled mode while processes are killed -9 and restarted.

    .venv/bin/python bench/chaos.py [N] [CHAOS_SECONDS]

PostgreSQL (a throwaway database) and Redis, each reached through a TCP relay, the
Temporal dev server (`mcc temporal`, its state in a file so that it survives its own
death), two `mcc api` and two `mcc worker` processes, and the scripted company (zero
latency). N issues are filed at once and approved as soon as they wait. For
CHAOS_SECONDS (default 60) a random process (a worker, an API process, the Temporal
server, PostgreSQL or Redis) is killed with SIGKILL every 2-6 s and started again a
second later; then the run goes on undisturbed until every issue is done or 10 minutes
have passed. PostgreSQL and Redis are the machine's servers, so their "kill" is their
relay's: every connection cut at once and new ones refused for that second, which is
what MCC sees of a killed and restarted server (Redis keeps its data, as one that saves
it does).
The line before the last counts the kills of each process; the last:

    issues=<N> finished=<n> kills=<k> repeated_llm_steps=<r> duplicate_prs=<d> ledger_mismatch_usd=<x>

repeated_llm_steps: requests the LLM server answered beyond the calls charged in
the ledger (one token_usage row per step: a step asked again, or an answer paid
for and lost, shows here). duplicate_prs: pull requests beyond one per
issue. ledger_mismatch_usd: |LLM cost in the budget ledger (token_usage) - LLM
cost stored on the agents' messages|. Goal (issue 21): finished = N, the rest 0.
When a step was asked again, the lines before say when each process was killed and
what the workers logged as they asked again (`mcc.llm.gateway.ASKED_AGAIN`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.models.message import Message
from mcc.models.pull_request import PullRequest
from mcc.models.token_usage import TokenUsage
from tests.conftest import PASSWORD
from tests.fakes.llm_server import scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.postgres import temporary_database
from tests.support.processes import MCC, mcc_env, start_mcc, stop
from tests.support.repos import make_repo
from tests.support.services import find_redis
from tests.support.settings import local_settings
from tests.support.tcp_relay import TcpRelay, relayed_database, tcp_relay

EMAIL = "chaos@example.com"
ISSUES = 20
CHAOS_SECONDS = 60.0
SETTLE_SECONDS = 600.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Fleet:
    """The processes of the scaled mode, each startable again after a kill."""

    def __init__(
        self, root: Path, env: dict[str, str], api_ports: list[int], relays: dict[str, TcpRelay]
    ) -> None:
        self.root = root
        self.env = env
        self.relays = relays  # the servers of the machine, "killed" at their relay
        self.commands: dict[str, tuple[str, dict[str, str]]] = {"temporal": ("temporal", env)}
        for n, port in enumerate(api_ports):
            self.commands[f"api{n}"] = ("api", {**env, "MCC_PORT": str(port)})
        for n in range(2):
            self.commands[f"worker{n}"] = ("worker", env)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.kills: dict[str, int] = dict.fromkeys([*self.commands, *relays], 0)
        self.killed_at: list[tuple[float, str]] = []  # (time.time(), name)

    def start(self, name: str) -> None:
        command, env = self.commands[name]
        self.processes[name] = start_mcc(command, env, self.root / f"{name}.log")

    async def restart(self, name: str) -> None:
        """Kill `name` (SIGKILL to a process's whole group: `mcc temporal` and its dev server
        die together) and start it again a second later."""
        if name in self.relays:
            await self.relays[name].down()
        else:
            process = self.processes[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        self.kills[name] += 1
        self.killed_at.append((time.time(), name))
        await asyncio.sleep(1)
        if name in self.relays:
            await self.relays[name].listen()
        else:
            self.start(name)

    def stop_all(self) -> None:
        for process in self.processes.values():
            stop(process)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


async def _request(urls: list[str], token: str, method: str, path: str, **kwargs):
    """The request on whichever API process answers (one may be dead right now)."""
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=10) as c:
        for url in random.sample(urls, len(urls)):
            try:
                return await c.request(method, f"{url}{path}", **kwargs)
            except httpx.TransportError:
                continue
    return None


async def _until_healthy(urls: list[str], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2) as client:
        for url in urls:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{url}/api/health")).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url} did not become healthy")
                await asyncio.sleep(0.5)


async def chaos(fleet: Fleet, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await asyncio.sleep(random.uniform(2, 6))
        await fleet.restart(random.choice(sorted(fleet.kills)))


async def approve_until_done(urls: list[str], token: str, pid: int, n: int, timeout_s: float):
    """Approve each waiting issue; the number of issues done when all are, or at the timeout."""
    deadline, done = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        listed = await _request(urls, token, "GET", f"/api/projects/{pid}/issues")
        if listed is not None and listed.status_code == 200:
            issues = listed.json()
            done = sum(1 for issue in issues if issue["phase"] == "done")
            if done == n:
                return done
            for issue in issues:
                if issue["phase"] == "awaiting_approval":
                    await _request(
                        urls,
                        token,
                        "POST",
                        f"/api/projects/{pid}/issues/{issue['number']}/approve",
                        json={"round": issue["round"], "head": issue["head"]},
                    )
        await asyncio.sleep(1)
    return done


async def ledger(database_url: str) -> tuple[int, int, float]:
    """(charged LLM calls, pull requests beyond one per issue, |ledger cost - messages' cost|)."""
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            per_issue = (
                await session.execute(
                    select(PullRequest.issue_id, func.count()).group_by(PullRequest.issue_id)
                )
            ).all()
            calls = await session.scalar(select(func.count()).select_from(TokenUsage))
            charged = await session.scalar(select(func.coalesce(func.sum(TokenUsage.cost_usd), 0)))
            stored = await session.scalar(
                select(func.coalesce(func.sum(Message.cost_usd), 0)).where(
                    Message.role == "assistant"
                )
            )
    finally:
        await db.dispose()
    extra_prs = sum(count - 1 for _, count in per_issue)
    return int(calls or 0), extra_prs, abs(float(charged) - float(stored))


def asked_again(root: Path, killed_at: list[tuple[float, str]]) -> list[str]:
    """The workers' own account of each repeat (`mcc.llm.gateway.ASKED_AGAIN`), with the
    kills, to tell which death left a call unanswered."""
    lines = [f"killed at {datetime.fromtimestamp(at)}: {name}" for at, name in killed_at]
    for log in sorted(root.glob("worker*.log")):
        lines += [
            f"{log.stem}: {line.strip()}"
            for line in log.read_text(errors="replace").splitlines()
            if "asked again" in line
        ]
    return lines


async def main(n: int, chaos_seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="mcc-chaos-") as tmp:
        root = Path(tmp)
        async with (
            temporary_database() as real_database_url,
            relayed_database(real_database_url) as (database_url, database),
            tcp_relay(urlsplit(find_redis()).port or 6379) as redis,
            scripted_llm_server() as llm,
        ):
            answer_forever(llm, Company(), 1_000_000)
            await asyncio.to_thread(upgrade, real_database_url)
            temporal = f"127.0.0.1:{free_port()}"
            settings = local_settings(
                root / "data", database_url, temporal, "chaos", llm_base_url=llm.base_url
            )
            env = mcc_env(
                settings,
                MCC_REDIS_URL=f"redis://127.0.0.1:{redis.port}/12",
                MCC_SECRET_KEY=uuid.uuid4().hex * 2,
                MCC_HOST="127.0.0.1",
                MCC_TEMPORAL_UI_PORT=str(free_port()),
                MCC_RATE_LIMIT_PER_MINUTE="10000000",
                MCC_BUDGET_DEFAULT_DAILY_USD="1000000",
            )
            created = await asyncio.to_thread(
                subprocess.run,
                [*MCC, "user", "create", "--email", EMAIL, "--password-stdin"],
                input=PASSWORD + "\n",
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert created.returncode == 0, created.stderr
            ports = [free_port(), free_port()]
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            fleet = Fleet(root, env, ports, {"postgres": database, "redis": redis})
            try:
                for name in fleet.commands:
                    fleet.start(name)
                await _until_healthy(urls)
                async with httpx.AsyncClient(base_url=urls[0], timeout=30) as client:
                    login = await client.post(
                        "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}
                    )
                    token = login.json()["access_token"]
                    client.headers["Authorization"] = f"Bearer {token}"
                    repo = make_repo(root / "src")
                    project = await client.post(
                        "/api/projects", json={"name": "chaos", "repo_path": str(repo)}
                    )
                    pid = project.json()["id"]
                    for i in range(n):
                        await client.post(
                            f"/api/projects/{pid}/issues", json={"title": f"Issue {i}", "body": "x"}
                        )
                approving = asyncio.create_task(
                    approve_until_done(urls, token, pid, n, chaos_seconds + SETTLE_SECONDS)
                )
                await chaos(fleet, chaos_seconds)
                finished = await approving
            finally:
                fleet.stop_all()
            calls, duplicate_prs, mismatch = await ledger(real_database_url)
            repeated = len(llm.chat_requests) - calls
            if repeated:
                for line in asked_again(root, fleet.killed_at):
                    print(line)
    print("kills by process: " + " ".join(f"{k}={v}" for k, v in sorted(fleet.kills.items())))
    print(
        f"issues={n} finished={finished} kills={sum(fleet.kills.values())} repeated_llm_steps={repeated}"
        f" duplicate_prs={duplicate_prs} ledger_mismatch_usd={mismatch:.6f}"
    )


if __name__ == "__main__":
    issues = int(sys.argv[1]) if len(sys.argv) > 1 else ISSUES
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else CHAOS_SECONDS
    asyncio.run(main(issues, seconds))
    sys.stdout.flush()
    os._exit(0)
