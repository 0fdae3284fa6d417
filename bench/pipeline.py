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
waiting for their approval, say) measures the idle floor, not the loaded one;
the line before the last gives the count and p50 of all samples too. The ratio of
the last line is to that floor; the line before it gives both floors, and the
ratio to the idle one.

After the run, the same server runs the raw Temporal baseline (`bench/raw_temporal.py`)
on workers in this process set as MCC's worker sets its own (as many connections,
the same activity slots, the SDK's sandbox): for each issue, one workflow with as
many trivial activities as the issue's run had, before and after the same wait for
a decision signal, and one child workflow per agent run with as many activities as
that child had; all issues started at once, each decided as it starts. `wall_ratio`
is MCC's wall time over the baseline's. Before the last line come how long MCC's
runs waited for their approval (the bench's person, on the socket's events) and
the CPU seconds each part used in both runs (`cpu_used`). The floor probe runs
beside both. The last line is:

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
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import socketio
from temporalio import activity
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

from bench.raw_temporal import BenchChild, BenchIssue, BenchNoop, NoopPlan, RunShape, noop, pause
from mcc.config import Settings
from tests.conftest import login_new_user
from tests.fakes.llm_server import scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.local_mcc import local_mcc
from tests.support.postgres import temporary_database
from tests.support.repos import make_repo
from tests.support.temporal import dev_server_pid, start_dev_server

RAW_SAMPLES = 200
PAUSE = frozenset({"bench_pause"})


BY_TYPE: dict[str, list[float]] = {}
# Where MCC's activities ran in Python: (workflow id, activity id) -> (began, ended), epoch s.
IN_PYTHON: dict[tuple[str, str], tuple[float, float]] = {}
WAITS: dict[str, list[float]] = {}  # by type: scheduled -> its code began, ms
BODIES: dict[str, list[float]] = {}  # by type: the activity's own code, ms
DECISION_WAITS: list[float] = []  # each issue: its round opened -> the approval's signal, s


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
def company_server() -> Iterator[tuple[str, int]]:
    """The scripted company in a process of its own, as a provider would be: in a
    thread of this one it took the GIL from MCC (and MCC from it) at every answer."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_serve_company, args=(send,), daemon=True)
    process.start()
    try:
        if not receive.poll(60):
            raise RuntimeError("the scripted LLM server did not start")
        assert process.pid is not None
        yield receive.recv(), process.pid
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


def cpu_s(pid: int) -> float:
    """CPU seconds (user and system) of process `pid`, its threads and the children it reaped."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(ticks) for ticks in after_name[11:15]) / os.sysconf("SC_CLK_TCK")


def temporal_pid(env: WorkflowEnvironment) -> int:
    return dev_server_pid(int(env.client.service_client.config.target_host.rpartition(":")[2]))


@contextlib.contextmanager
def cpu_used(others: dict[str, int]) -> Iterator[dict[str, float]]:
    """CPU seconds each part used over the block: this process (MCC's API and worker,
    or the baseline's worker), the commands it ran (git, the sandbox) and `others`.
    On a shared machine the wall time depends on the share the parts get; their CPU
    says which part the time went to."""

    def now() -> dict[str, float]:
        times = os.times()
        return {
            "this_process": times.user + times.system,
            "its_commands": times.children_user + times.children_system,
            **{name: cpu_s(pid) for name, pid in others.items()},
        }

    before, used = now(), dict[str, float]()
    try:
        yield used
    finally:
        used.update({part: spent - before[part] for part, spent in now().items()})


@dataclass(frozen=True)
class MccRun:
    wall_s: float
    steps: list[Span]
    floor: list[Span]  # the probe's samples
    shapes: list[RunShape]  # each issue's run
    cpu: dict[str, float]  # seconds by part (`cpu_used`)


async def run_issues(
    env: WorkflowEnvironment,
    m: int,
    root: Path,
    floor: Callable[[], contextlib.AbstractAsyncContextManager[list[Span]]],
) -> MccRun:
    """`m` issues filed at once and approved; `floor` probes the trivial activity over
    exactly that window."""
    temporal = env.client.service_client.config.target_host
    with company_server() as (llm_base_url, llm_pid):
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
            parts = {"temporal": temporal_pid(env), "llm": llm_pid}
            async with floor() as samples:
                with cpu_used(parts) as cpu:
                    started = time.perf_counter()
                    for i in range(m):
                        await api.post(
                            f"/api/projects/{project['id']}/issues",
                            json={"title": f"Issue {i}", "body": "bench"},
                        )
                    await approve_until_done(api, project["id"], m)
                    wall = time.perf_counter() - started
            steps, shapes = await step_spans(env.client, project["slug"], m)
            return MccRun(wall, steps, samples, shapes, cpu)


async def approve_until_done(api: httpx.AsyncClient, project_id: int, m: int) -> None:
    """Approve each issue the moment its run waits, until all `m` are done.

    As the dashboard learns of it: the project room's `task_progress` event says a run
    changed phase. Polling the list every half second instead left runs waiting for their
    approval, and loaded the API meanwhile (bench/README.md).
    A look at the list every 10 s catches an event that went missing.
    """
    pending, approved, failed = set(range(1, m + 1)), set[int](), list[str]()
    news = asyncio.Event()
    base = f"/api/projects/{project_id}/issues"

    async def look(issue: dict[str, Any]) -> None:
        number, phase = issue["number"], issue["phase"]
        if phase == "awaiting_approval" and number not in approved:
            approved.add(number)
            shown = {"round": issue["round"], "head": issue["head"]}
            try:
                answer = await api.post(f"{base}/{number}/approve", json=shown)
            except httpx.TransportError:  # a kept-alive connection the server just closed
                answer = None
            if answer is None or answer.status_code != 202:
                approved.discard(number)
        elif phase == "done":
            pending.discard(number)
        elif phase in {"needs_attention", "cancelled"}:
            failed.append(f"issue {number}: {phase}: {issue['error']}")
        news.set()

    async def on_progress(event: dict[str, Any]) -> None:
        if event.get("agent") is not None:
            return  # an agent's step, not a phase
        number, phase = event["issue_number"], event["status"]
        if phase != "awaiting_approval":
            return await look({"number": number, "phase": phase, "error": "see the issue"})
        # The round and head to approve, as the issue's page shows them (its read
        # queries the run: only here, where the person would open it). The event comes
        # from the step that opens the round, so for a moment the run may still show
        # the phase and round before: look again until the approval is taken.
        for _ in range(100):
            with contextlib.suppress(httpx.TransportError):
                await look((await api.get(f"{base}/{number}")).json())
            if number in approved:
                return
            await asyncio.sleep(0.1)

    async def every_10_s() -> None:
        while True:
            await asyncio.sleep(10)
            with contextlib.suppress(httpx.TransportError):
                for issue in (await api.get(base)).json():
                    await look(issue)

    sock = socketio.AsyncClient(reconnection=False)
    sock.on("task_progress", on_progress)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await sock.connect(str(api.base_url), transports=["websocket"], auth={"token": token})
    backstop = asyncio.create_task(every_10_s())
    try:
        assert (await sock.call("join_project", {"project_id": project_id}))["ok"]
        while pending and not failed:
            await news.wait()
            news.clear()
    finally:
        backstop.cancel()
        await sock.disconnect()
    if failed:
        raise SystemExit(failed[0])


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
        before = await activities_before_decision(client, wf)
        shapes.append(RunShape(before, len(own) - before, tuple(children)))
    return spans, shapes


async def activities_before_decision(client: Client, workflow_id: str) -> int:
    """How many of the run's own activities were scheduled before the person's decision;
    keeps how long the run waited for it (the bench's polling, in DECISION_WAITS)."""
    count, waiting_since = 0, 0.0
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
        at = event.event_time.ToDatetime().timestamp()
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            count += 1
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            waiting_since = at
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            DECISION_WAITS.append(at - waiting_since)
            return count
    raise RuntimeError(f"{workflow_id} was never decided")


def while_busy(samples: list[Span], steps: list[Span]) -> list[Span]:
    """The probe's samples scheduled while at least one of the steps was in flight."""
    return [s for s in samples if any(a <= s[0] < b for a, b in steps)]


@contextlib.asynccontextmanager
async def raw_probe(env: WorkflowEnvironment) -> AsyncIterator[Callable[..., Any]]:
    """A worker of the trivial activity, in this process beside MCC's, on the same server."""
    queue = f"bench-probe-{uuid.uuid4().hex[:6]}"
    # Unsandboxed: the probe measures the activity's round trip, not the workflow's code.
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[BenchNoop],
        activities=[noop, pause],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):

        async def start(plan: NoopPlan) -> Any:
            wid = f"bench-noop-{uuid.uuid4().hex[:6]}"
            return await env.client.start_workflow(BenchNoop.run, plan, id=wid, task_queue=queue)

        yield start


@contextlib.asynccontextmanager
async def workers_as_mcc(env: WorkflowEnvironment, queue: str) -> AsyncIterator[None]:
    """The baseline's workers, set as MCC's worker process sets its own (`build_workers`):
    as many workers, each on a connection of its own, sharing as many activity slots,
    the workflows in the SDK's sandbox."""
    defaults = Settings.model_fields
    connections = int(defaults["worker_connections"].default)
    share = max(1, int(defaults["worker_max_activities"].default) // connections)
    target = env.client.service_client.config.target_host
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(connections):
            client = await Client.connect(target, namespace=env.client.namespace)
            worker = Worker(
                client,
                task_queue=queue,
                workflows=[BenchIssue, BenchChild],
                activities=[noop],
                max_concurrent_activities=share,
            )
            await stack.enter_async_context(worker)
        yield


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


async def baseline_wall(
    env: WorkflowEnvironment, shapes: list[RunShape]
) -> tuple[float, dict[str, float]]:
    """Seconds for raw Temporal to run every issue's shape, all started at once, and the
    CPU seconds of its parts. Each run's decision is signalled as it starts: a person
    who decides the moment the run waits, which MCC's runs cannot beat."""
    queue = f"bench-raw-{uuid.uuid4().hex[:6]}"
    async with workers_as_mcc(env, queue):
        with cpu_used({"temporal": temporal_pid(env)}) as used:
            began = time.perf_counter()
            handles = []
            for shape in shapes:
                wid = f"bench-issue-{uuid.uuid4().hex[:6]}"
                handle = await env.client.start_workflow(
                    BenchIssue.run, shape, id=wid, task_queue=queue
                )
                await handle.signal(BenchIssue.decide)
                handles.append(handle)
            await asyncio.gather(*(handle.result() for handle in handles))
            wall = time.perf_counter() - began
    return wall, used


def cpu_line(used: dict[str, float]) -> str:
    return " ".join(f"{part}={seconds:.1f}" for part, seconds in used.items())


async def main(m: int) -> None:
    env = await start_dev_server()
    try:
        async with raw_probe(env) as start:
            idle = await start(NoopPlan(RAW_SAMPLES))
            await idle.result()
            raw_idle = [latency_ms(s) for s in await activity_spans(env.client, idle.id)]
            with tempfile.TemporaryDirectory() as tmp:
                run = await run_issues(
                    env, m, Path(tmp), functools.partial(floor_during, env, start)
                )
            # The probe runs beside the baseline too: it is a load on the server and
            # this process, and MCC's run carried it.
            async with floor_during(env, start) as baseline_probed:
                baseline, baseline_cpu = await baseline_wall(env, run.shapes)
    finally:
        await env.shutdown()
    wall, steps, probed = run.wall_s, run.steps, run.floor
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
    beside_baseline = statistics.median(latency_ms(s) for s in baseline_probed)
    print(f"raw_activity_ms_p50 beside the baseline: {beside_baseline:.2f}")
    waits = sorted(DECISION_WAITS)
    print(f"decision_wait_s: p50={statistics.median(waits):.2f} max={waits[-1]:.2f}")
    print(f"cpu_s: mcc_run: {cpu_line(run.cpu)}; baseline: {cpu_line(baseline_cpu)}")
    print(
        f"issues={m} wall_s={wall:.1f} steps={len(steps)} "
        f"overhead_ms_per_step_p50={x:.2f} raw_activity_ms_p50={y:.2f} ratio={x / y:.2f} "
        f"baseline_wall_s={baseline:.1f} wall_ratio={wall / baseline:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
    sys.stdout.flush()
    os._exit(0)
