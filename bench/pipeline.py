"""M concurrent issues through the whole pipeline against the scripted LLM server.

    .venv/bin/python bench/pipeline.py [M]
    MCC_BENCH_DATABASE=postgresql .venv/bin/python bench/pipeline.py [M]

Every issue runs the real IssueWorkflow with its child agent runs on the real dev
server and worker, SQLite (or PostgreSQL), the sandbox and the scripted company (zero latency),
and is approved as soon as it waits. A step's overhead is its activity's
scheduled-to-completed time in the run's history. The raw round trip of a
trivial activity is measured the same way, by a worker in this same process on
the same server, twice: alone before the issues start (`idle`), and every 200 ms
while they run (`during_the_run`, the floor that Temporal and this process set
at that load). Only the probe's samples scheduled while at least one step was in
flight count for the latter: a sample at a moment with none (the run's last issues
waiting for the approval poll, say) measures the idle floor, not the loaded one;
the line before the last gives the count and p50 of all samples too. The ratio of
the last line is to that floor; the line before it gives both floors, and the
ratio to the idle one.

After the run, the same server and a worker in this process run the raw Temporal
baseline: for each issue, one workflow with as many trivial activities as the
issue's run had and one child workflow per agent run with as many activities as
that child had, all issues started at once; activities and children in sequence
(MCC's coders may run in parallel, so the baseline is no faster for their
sake). `wall_ratio` is MCC's wall time over the baseline's. The last line is:

    issues=<M> wall_s=<t> steps=<n> overhead_ms_per_step_p50=<x> raw_activity_ms_p50=<y> ratio=<x/y> baseline_wall_s=<b> wall_ratio=<t/b>

With MCC_BENCH_BY_TYPE=1 it first prints each activity type's p50, split into the
wait for the worker (scheduled -> its code began, timed by an interceptor on MCC's
workers) and the code itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    UnsandboxedWorkflowRunner,
    Worker,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import login_new_user
from tests.fakes.llm_server import scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.local_mcc import local_mcc
from tests.support.postgres import temporary_database
from tests.support.repos import make_repo
from tests.support.temporal import start_dev_server

RAW_SAMPLES = 200
PAUSE = frozenset({"bench_pause"})


@activity.defn(name="bench_noop")
async def noop(_: int) -> int:
    return 0


@activity.defn(name="bench_pause")
async def pause(seconds: float) -> None:
    """The probe's gap. Not a workflow timer: the dev server fires timers about once
    a second, which left a one-issue run with five or six samples of the floor. A
    local activity, so that a gap adds no task to the server (the probe must not be
    a load of its own)."""
    await asyncio.sleep(seconds)


@dataclass(frozen=True)
class NoopPlan:
    count: int
    gap_s: float = 0.0  # between two activities: a probe, not a load of its own


@dataclass(frozen=True)
class RunShape:
    """How many activities an issue's run had, and each of its child runs."""

    activities: int
    children: tuple[int, ...]


@workflow.defn(name="BenchChild")
class BenchChild:
    @workflow.run
    async def run(self, count: int) -> None:
        for i in range(count):
            await workflow.execute_activity(noop, i, start_to_close_timeout=timedelta(seconds=60))


@workflow.defn(name="BenchIssue")
class BenchIssue:
    """An issue's run with MCC taken out: the same workflows and activity count, no work."""

    @workflow.run
    async def run(self, shape: RunShape) -> None:
        for i in range(shape.activities):
            await workflow.execute_activity(noop, i, start_to_close_timeout=timedelta(seconds=60))
        for n, count in enumerate(shape.children):
            await workflow.execute_child_workflow(
                BenchChild.run, count, id=f"{workflow.info().workflow_id}/child-{n}"
            )


@workflow.defn(name="BenchNoop")
class BenchNoop:
    def __init__(self) -> None:
        self.stopped = False

    @workflow.run
    async def run(self, plan: NoopPlan) -> None:
        for i in range(plan.count):
            await workflow.execute_activity(noop, i, start_to_close_timeout=timedelta(seconds=60))
            if self.stopped:
                return
            if plan.gap_s:
                await workflow.execute_local_activity(
                    pause, plan.gap_s, start_to_close_timeout=timedelta(seconds=60)
                )

    @workflow.signal
    def stop(self) -> None:
        self.stopped = True


BY_TYPE: dict[str, list[float]] = {}
# Where MCC's activities ran in Python: (workflow id, activity id) -> (began, ended), epoch s.
IN_PYTHON: dict[tuple[str, str], tuple[float, float]] = {}
WAITS: dict[str, list[float]] = {}  # by type: scheduled -> its code began, ms
BODIES: dict[str, list[float]] = {}  # by type: the activity's own code, ms


class _StepClock(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info, began = activity.info(), time.time()
        try:
            return await super().execute_activity(input)
        finally:
            IN_PYTHON[(info.workflow_id or "", info.activity_id)] = (began, time.time())


class StepClock(Interceptor):
    """Times MCC's activities in Python, so that a step's time splits into the wait
    for the worker (scheduled -> its code begins) and the code itself."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _StepClock(next)


Span = tuple[float, float]  # an activity's scheduled and completed times, epoch s


def latency_ms(span: Span) -> float:
    return (span[1] - span[0]) * 1000


async def activity_spans(
    client: Client, workflow_id: str, skip: frozenset[str] = frozenset()
) -> list[Span]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    scheduled: dict[int, tuple[float, str, str]] = {}
    out: list[Span] = []
    for event in history.events:
        at = event.event_time.ToDatetime().timestamp()
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            scheduled[event.event_id] = (at, attributes.activity_type.name, attributes.activity_id)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            start = scheduled.get(event.activity_task_completed_event_attributes.scheduled_event_id)
            if start is not None and start[1] not in skip:
                span = (start[0], at)
                out.append(span)
                BY_TYPE.setdefault(start[1], []).append(latency_ms(span))
                ran = IN_PYTHON.get((workflow_id, start[2]))
                if ran is not None:
                    WAITS.setdefault(start[1], []).append(latency_ms((start[0], ran[0])))
                    BODIES.setdefault(start[1], []).append(latency_ms(ran))
    return out


async def children_of(client: Client, parent: str) -> list[str]:
    history = await client.get_workflow_handle(parent).fetch_history()
    return [
        e.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
    ]


def _serve_company(base_url_out: Connection) -> None:
    async def serve() -> None:
        async with scripted_llm_server() as llm:
            answer_forever(llm, Company(), 100_000)
            base_url_out.send(llm.base_url)
            await asyncio.Event().wait()  # until terminated

    asyncio.run(serve())


@contextlib.contextmanager
def company_server() -> Iterator[str]:
    """The scripted company in a process of its own, as a provider would be: in a
    thread of this one it took the GIL from MCC (and MCC from it) at every answer."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_serve_company, args=(send,), daemon=True)
    process.start()
    try:
        if not receive.poll(60):
            raise RuntimeError("the scripted LLM server did not start")
        yield receive.recv()
    finally:
        process.terminate()
        process.join(10)


@contextlib.asynccontextmanager
async def database(root: Path) -> AsyncIterator[str]:
    """The embedded default (SQLite), or with MCC_BENCH_DATABASE=postgresql a
    throwaway PostgreSQL database (the scaled mode's store)."""
    if os.environ.get("MCC_BENCH_DATABASE") == "postgresql":
        async with temporary_database() as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{root / 'mcc.db'}"


async def run_issues(
    env: WorkflowEnvironment,
    m: int,
    root: Path,
    floor: Callable[[], contextlib.AbstractAsyncContextManager[list[Span]]],
) -> tuple[float, list[Span], list[Span], list[RunShape]]:
    """(wall seconds, every step, the floor's samples, each run's shape) for `m` issues
    filed at once and approved; `floor` probes the trivial activity over exactly that
    window."""
    temporal = env.client.service_client.config.target_host
    with company_server() as llm_base_url:
        async with (
            database(root) as url,
            local_mcc(
                root,
                url,
                temporal,
                "bench",
                # Only when the split is printed: the clock wraps every step it would time.
                interceptors=[StepClock()] if os.environ.get("MCC_BENCH_BY_TYPE") else [],
                llm_base_url=llm_base_url,
                rate_limit_per_minute=10_000_000,
                budget_default_daily_usd=1_000_000,
            ) as server,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=60) as api,
        ):
            await login_new_user(api, server, "bench@example.com")
            repo = make_repo(root / "src", {"README.md": "# bench\n"})
            project = (
                await api.post("/api/projects", json={"name": "bench", "repo_path": str(repo)})
            ).json()
            async with floor() as samples:
                started = time.perf_counter()
                for i in range(m):
                    await api.post(
                        f"/api/projects/{project['id']}/issues",
                        json={"title": f"Issue {i}", "body": "bench"},
                    )
                await approve_until_done(api, project["id"], m)
                wall = time.perf_counter() - started
            steps, shapes = await step_spans(env.client, project["slug"], m)
            return wall, steps, samples, shapes


async def approve_until_done(api: httpx.AsyncClient, project_id: int, m: int) -> None:
    """Approve each issue as soon as it waits, until all `m` are done."""
    pending, approved = set(range(1, m + 1)), set()
    while pending:
        # As a dashboard would: the list (stored phases), not each issue's live status
        # query, which costs the worker a workflow task each.
        for issue in (await api.get(f"/api/projects/{project_id}/issues")).json():
            number, phase = issue["number"], issue["phase"]
            if phase == "awaiting_approval" and number not in approved:
                shown = {"round": issue["round"], "head": issue["head"]}
                url = f"/api/projects/{project_id}/issues/{number}/approve"
                done = await api.post(url, json=shown)
                if done.status_code == 202:
                    approved.add(number)
            elif phase == "done":
                pending.discard(number)
            elif phase in {"needs_attention", "cancelled"}:
                raise SystemExit(f"issue {number}: {phase}: {issue['error']}")
        await asyncio.sleep(0.5)


async def step_spans(client: Client, slug: str, m: int) -> tuple[list[Span], list[RunShape]]:
    """Every activity of the `m` issue runs and their agent runs, from their histories,
    and each issue's shape (its activities, its children's)."""
    spans: list[Span] = []
    shapes: list[RunShape] = []
    for number in range(1, m + 1):
        wf = f"issue/{slug}/{number}"
        own = await activity_spans(client, wf)
        spans += own
        children: list[int] = []
        for child in await children_of(client, wf):
            theirs = await activity_spans(client, child)
            spans += theirs
            children.append(len(theirs))
        shapes.append(RunShape(len(own), tuple(children)))
    return spans, shapes


def while_busy(samples: list[Span], steps: list[Span]) -> list[Span]:
    """The probe's samples scheduled while at least one of the steps was in flight."""
    return [s for s in samples if any(a <= s[0] < b for a, b in steps)]


@contextlib.asynccontextmanager
async def raw_probe(env: WorkflowEnvironment) -> AsyncIterator[Callable[..., Any]]:
    """A worker of the trivial activity, in this process beside MCC's, on the same server."""
    queue = f"bench-raw-{uuid.uuid4().hex[:6]}"
    # Unsandboxed: this module imports the whole app, which the sandbox would re-import.
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[BenchNoop, BenchIssue, BenchChild],
        activities=[noop, pause],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):

        async def start(plan: NoopPlan | RunShape) -> Any:
            if isinstance(plan, RunShape):
                wid = f"bench-issue-{uuid.uuid4().hex[:6]}"
                return await env.client.start_workflow(
                    BenchIssue.run, plan, id=wid, task_queue=queue
                )
            wid = f"bench-noop-{uuid.uuid4().hex[:6]}"
            return await env.client.start_workflow(BenchNoop.run, plan, id=wid, task_queue=queue)

        yield start


@contextlib.asynccontextmanager
async def floor_during(
    env: WorkflowEnvironment, start: Callable[..., Any]
) -> AsyncIterator[list[Span]]:
    """The trivial activity every 200 ms while the block runs: the floor that Temporal
    and this process set at that load. The list fills when the block ends."""
    samples: list[Span] = []
    loaded = await start(NoopPlan(1_000_000, gap_s=0.2))
    try:
        yield samples
    finally:
        await loaded.signal(BenchNoop.stop)
        await loaded.result()
    samples += await activity_spans(env.client, loaded.id, skip=PAUSE)


async def baseline_wall(start: Callable[..., Any], shapes: list[RunShape]) -> float:
    """Seconds for raw Temporal to run every issue's shape, all started at once."""
    began = time.perf_counter()
    handles = [await start(shape) for shape in shapes]
    await asyncio.gather(*(handle.result() for handle in handles))
    return time.perf_counter() - began


async def main(m: int) -> None:
    env = await start_dev_server()
    try:
        async with raw_probe(env) as start:
            idle = await start(NoopPlan(RAW_SAMPLES))
            await idle.result()
            raw_idle = [latency_ms(s) for s in await activity_spans(env.client, idle.id)]
            with tempfile.TemporaryDirectory() as tmp:
                wall, steps, probed, shapes = await run_issues(
                    env, m, Path(tmp), functools.partial(floor_during, env, start)
                )
            baseline = await baseline_wall(start, shapes)
    finally:
        await env.shutdown()
    x = statistics.median(latency_ms(s) for s in steps)
    raw_loaded = [latency_ms(s) for s in while_busy(probed, steps)]
    idle_p50, y = statistics.median(raw_idle), statistics.median(raw_loaded)
    every_sample = statistics.median(latency_ms(s) for s in probed)
    if os.environ.get("MCC_BENCH_BY_TYPE"):
        for kind, values in sorted(BY_TYPE.items()):
            split = ""
            if kind in WAITS:
                wait, body = statistics.median(WAITS[kind]), statistics.median(BODIES[kind])
                split = f" (wait for the worker p50={wait:.1f}, code p50={body:.1f})"
            print(f"  {kind}: n={len(values)} p50={statistics.median(values):.1f} ms{split}")
    print(
        f"raw_activity_ms_p50: idle={idle_p50:.2f} (n={len(raw_idle)}) "
        f"during_the_run={y:.2f} (n={len(raw_loaded)} while a step was in flight; all "
        f"{len(probed)} samples: {every_sample:.2f}); ratio_to_idle={x / idle_p50:.2f}"
    )
    print(
        f"issues={m} wall_s={wall:.1f} steps={len(steps)} "
        f"overhead_ms_per_step_p50={x:.2f} raw_activity_ms_p50={y:.2f} ratio={x / y:.2f} "
        f"baseline_wall_s={baseline:.1f} wall_ratio={wall / baseline:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
    sys.stdout.flush()
    os._exit(0)
