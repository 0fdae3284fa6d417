"""How much slower MCC's issue list is than a bare FastAPI endpoint, at 100 connections.

    .venv/bin/python bench/api_read.py [CONNECTIONS] [REQUESTS_PER_CONNECTION] [ISSUES]

Both servers run in this process on uvicorn with the same options (MCC's API with
SQLite and ISSUES issues in one project; a FastAPI app with one endpoint that
returns a constant), one after the other. A child process holds CONNECTIONS
keep-alive connections, each sending its requests back to back, and times every
request. The line before the last gives the CPU seconds the server (this process) and
the client (the child) used for each: both share the machine's cores, so a p99 is as
much the client's queueing as the server's. The last line is:

    connections=<C> requests=<n> dropped_connections=<mcc>+<bare> issues_p99_ms=<x> bare_p99_ms=<y> ratio=<x/y>

Goal (issue 21): ratio < 3.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import resource
import statistics
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_only import api_only

CONNECTIONS = 100
REQUESTS = 20
ISSUES = 20


async def _load(url: str, headers: dict[str, str], connections: int, requests: int):
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as client:
        await client.get(url)  # one warm-up request (first-use imports and caches)
        latencies: list[float] = []
        dropped = 0

        async def connection() -> None:
            nonlocal dropped
            for _ in range(requests):
                began = time.perf_counter()
                while True:
                    try:
                        response = await client.get(url)
                        break
                    except httpx.TransportError:
                        # uvicorn closed a kept-alive connection as it was reused:
                        # the request is sent again, its time counted from the first try.
                        dropped += 1
                latencies.append((time.perf_counter() - began) * 1000)
                response.raise_for_status()

        await asyncio.gather(*(connection() for _ in range(connections)))
    return latencies, dropped


def _child(url: str, headers: dict[str, str], connections: int, requests: int, out) -> None:
    out.put(asyncio.run(_load(url, headers, connections, requests)))


@dataclass
class Load:
    p99_ms: float
    dropped: int  # connections the server closed as they were reused (requests sent again)
    server_cpu_s: float  # this process: the server under test
    client_cpu_s: float  # the child process sending the requests


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


async def measure(url: str, headers: dict[str, str], connections: int, requests: int) -> Load:
    """`connections` x `requests` GETs of `url` from a child process."""
    server, client = _cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN)
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_child, args=(url, headers, connections, requests, out))
    child.start()
    latencies, dropped = await asyncio.to_thread(out.get)
    await asyncio.to_thread(child.join)
    return Load(
        statistics.quantiles(latencies, n=100)[98],
        dropped,
        _cpu_s(resource.RUSAGE_SELF) - server,
        _cpu_s(resource.RUSAGE_CHILDREN) - client,
    )


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self):
        yield


@contextlib.asynccontextmanager
async def bare_api() -> AsyncIterator[str]:
    """A FastAPI app with one constant endpoint, on uvicorn as MCC configures it."""
    app = FastAPI()

    @app.get("/bare")
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    server = _Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, no event)
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bare"
    finally:
        server.should_exit = True
        await task


async def main(connections: int, requests: int, issues: int) -> None:
    async with api_only() as api:
        headers = {"Authorization": f"Bearer {api.token}"}
        async with httpx.AsyncClient(base_url=api.url, headers=headers, timeout=30) as client:
            for n in range(issues):
                # Saved even though no Temporal answers (503 says the run waits).
                created = await client.post(
                    f"/api/projects/{api.project_id}/issues",
                    json={"title": f"Issue {n}", "body": "..."},
                )
                assert created.status_code in (201, 503), created.text
            listed = await client.get(f"/api/projects/{api.project_id}/issues")
            assert len(listed.json()) == issues
        issues_url = f"{api.url}/api/projects/{api.project_id}/issues"
        issues = await measure(issues_url, headers, connections, requests)
    async with bare_api() as bare_url:
        bare = await measure(bare_url, {}, connections, requests)
    print(
        f"cpu_s: issues: server={issues.server_cpu_s:.1f} client={issues.client_cpu_s:.1f};"
        f" bare: server={bare.server_cpu_s:.1f} client={bare.client_cpu_s:.1f}"
    )
    print(
        f"connections={connections} requests={connections * requests}"
        f" dropped_connections={issues.dropped}+{bare.dropped}"
        f" issues_p99_ms={issues.p99_ms:.1f} bare_p99_ms={bare.p99_ms:.1f}"
        f" ratio={issues.p99_ms / bare.p99_ms:.2f}"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:4]]
    asyncio.run(main(*(args + [CONNECTIONS, REQUESTS, ISSUES][len(args) :])))
