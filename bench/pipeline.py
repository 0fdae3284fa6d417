"""M concurrent issues through the whole pipeline against the scripted LLM server.

    .venv/bin/python bench/pipeline.py [M]

Every issue runs the real IssueWorkflow with its child agent runs on the real dev
server and worker, SQLite, the sandbox and the scripted company (zero latency),
and is approved as soon as it waits. A step's overhead is its activity's
scheduled-to-completed time in the run's history; the raw round trip of a
trivial activity, measured the same way in the same run, is the floor Temporal
itself sets. The last line is:

    issues=<M> wall_s=<t> steps=<n> overhead_ms_per_step_p50=<x> raw_activity_ms_p50=<y> ratio=<x/y>
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.server import MccServer
from mcc.db.migrate import upgrade
from tests.conftest import login_new_user
from tests.fakes.llm_server import scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.repos import make_repo
from tests.support.settings import local_settings
from workflows.search_attributes import ALL

RAW_SAMPLES = 200


@activity.defn(name="bench_noop")
async def noop(_: int) -> int:
    return 0


@workflow.defn(name="BenchNoop")
class BenchNoop:
    @workflow.run
    async def run(self, n: int) -> None:
        for i in range(n):
            await workflow.execute_activity(noop, i, start_to_close_timeout=timedelta(seconds=10))


BY_TYPE: dict[str, list[float]] = {}


async def activity_latencies_ms(client: Client, workflow_id: str) -> list[float]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    scheduled: dict[int, tuple[float, str]] = {}
    out: list[float] = []
    for event in history.events:
        at = event.event_time.ToDatetime().timestamp()
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            kind = event.activity_task_scheduled_event_attributes.activity_type.name
            scheduled[event.event_id] = (at, kind)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            start = scheduled.get(event.activity_task_completed_event_attributes.scheduled_event_id)
            if start is not None:
                out.append((at - start[0]) * 1000)
                BY_TYPE.setdefault(start[1], []).append((at - start[0]) * 1000)
    return out


async def children_of(client: Client, parent: str) -> list[str]:
    history = await client.get_workflow_handle(parent).fetch_history()
    return [
        e.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
    ]


async def run_issues(env: WorkflowEnvironment, m: int, root: Path) -> tuple[float, list[float]]:
    async with scripted_llm_server() as llm:
        answer_forever(llm, Company(), 100_000)
        url = f"sqlite+aiosqlite:///{root / 'mcc.db'}"
        await asyncio.to_thread(upgrade, url)
        settings = local_settings(
            root / "data",
            url,
            env.client.service_client.config.target_host,
            "bench",
            llm_base_url=llm.base_url,
            rate_limit_per_minute=10_000_000,
            budget_default_daily_usd=1_000_000,
        )
        server = MccServer(settings)
        await server.start()
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{server.port}", timeout=60
            ) as api:
                await login_new_user(api, server, "bench@example.com")
                repo = make_repo(root / "src", {"README.md": "# bench\n"})
                project = (
                    await api.post("/api/projects", json={"name": "bench", "repo_path": str(repo)})
                ).json()
                pid = project["id"]
                started = time.perf_counter()
                for i in range(m):
                    await api.post(
                        f"/api/projects/{pid}/issues", json={"title": f"Issue {i}", "body": "bench"}
                    )
                pending = set(range(1, m + 1))
                while pending:
                    for number in list(pending):
                        issue = (await api.get(f"/api/projects/{pid}/issues/{number}")).json()
                        if issue["phase"] == "awaiting_approval":
                            await api.post(f"/api/projects/{pid}/issues/{number}/approve")
                        elif issue["phase"] == "done":
                            pending.discard(number)
                        elif issue["phase"] in {"needs_attention", "cancelled"}:
                            raise SystemExit(f"issue {number}: {issue['phase']}: {issue['error']}")
                    await asyncio.sleep(0.5)
                wall = time.perf_counter() - started
            latencies: list[float] = []
            for number in range(1, m + 1):
                wf = f"issue/{project['slug']}/{number}"
                latencies += await activity_latencies_ms(env.client, wf)
                for child in await children_of(env.client, wf):
                    latencies += await activity_latencies_ms(env.client, child)
            return wall, latencies
        finally:
            await server.stop()


async def raw_round_trip(env: WorkflowEnvironment) -> list[float]:
    queue = f"bench-raw-{uuid.uuid4().hex[:6]}"
    # Unsandboxed: this module imports the whole app, which the sandbox would re-import.
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[BenchNoop],
        activities=[noop],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        wid = f"bench-noop-{uuid.uuid4().hex[:6]}"
        await env.client.execute_workflow(BenchNoop.run, RAW_SAMPLES, id=wid, task_queue=queue)
        return await activity_latencies_ms(env.client, wid)


async def main(m: int) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        search_attributes=ALL,
        dev_server_log_level="error",
    )
    try:
        raw = await raw_round_trip(env)
        with tempfile.TemporaryDirectory() as tmp:
            wall, steps = await run_issues(env, m, Path(tmp))
    finally:
        await env.shutdown()
    x, y = statistics.median(steps), statistics.median(raw)
    if os.environ.get("MCC_BENCH_BY_TYPE"):
        for kind, values in sorted(BY_TYPE.items()):
            print(f"  {kind}: n={len(values)} p50={statistics.median(values):.1f} ms")
    print(
        f"issues={m} wall_s={wall:.1f} steps={len(steps)} "
        f"overhead_ms_per_step_p50={x:.2f} raw_activity_ms_p50={y:.2f} ratio={x / y:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
    sys.stdout.flush()
    os._exit(0)
