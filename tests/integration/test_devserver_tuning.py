"""The embedded Temporal that `mcc up` starts hands a run its next workflow task at
once, not at the pace of Temporal's default transfer-queue polling (20 reads a
second, which made every step of a run wait ~40 ms on an idle machine), and runs
below MCC's CPU priority."""

from __future__ import annotations

import asyncio
import functools
import os
import statistics
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from mcc.config import Settings
from mcc.devserver import DevServer, start_as_background_child
from tests.conftest import free_port

# More than the rate limiter lets through in a burst (~20 reads), so that the limit shows.
STEPS = 80


@activity.defn(name="tuning_noop")
async def noop(step: int) -> int:
    return step


@workflow.defn(name="TuningSteps")
class Steps:
    @workflow.run
    async def run(self, count: int) -> None:
        for step in range(count):
            await workflow.execute_activity(
                noop, step, start_to_close_timeout=timedelta(seconds=30)
            )


def _dispatch_ms(events: list) -> list[float]:
    """Each workflow task's wait from scheduled to handed to the worker."""
    waits, scheduled = [], 0.0
    for event in events:
        at = event.event_time.ToDatetime().timestamp() * 1000
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            scheduled = at
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            waits.append(at - scheduled)
    return waits


async def test_the_embedded_temporal_hands_out_the_next_workflow_task_without_waiting(
    tmp_path: Path,
) -> None:
    address = f"127.0.0.1:{free_port()}"
    settings = Settings(
        data_dir=tmp_path / "data", temporal_address=address, temporal_ui_port=free_port()
    )
    server = DevServer(settings)
    await asyncio.to_thread(server.start)
    try:
        client = await Client.connect(address)
        queue = f"tuning-{uuid.uuid4().hex[:6]}"
        async with Worker(
            client,
            task_queue=queue,
            workflows=[Steps],
            activities=[noop],
            workflow_runner=UnsandboxedWorkflowRunner(),
        ):
            handle = await client.start_workflow(
                Steps.run, STEPS, id=f"tuning-{uuid.uuid4().hex[:6]}", task_queue=queue
            )
            await handle.result()
        waits = _dispatch_ms((await handle.fetch_history()).events)
    finally:
        await asyncio.to_thread(server.stop)
    assert len(waits) == STEPS + 1
    # Temporal's default polling is a rate limit whatever the load: the bound rules out
    # its median, not a busy machine's tuned one (figures in bench/README.md).
    assert statistics.median(waits) < 25, sorted(waits)


async def test_the_embedded_temporal_runs_below_the_priority_of_mcc(tmp_path: Path) -> None:
    """MCC's event loop wins the CPU when both want it (see `temporal_niceness`):
    every thread of the server `mcc up` starts runs that many steps lower."""
    settings = Settings(
        data_dir=tmp_path / "data",
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        temporal_niceness=7,
    )
    server = DevServer(settings)
    await asyncio.to_thread(server.start)
    try:
        assert server.process is not None
        threads = os.listdir(f"/proc/{server.process.pid}/task")
        niceness = {os.getpriority(os.PRIO_PROCESS, int(tid)) for tid in threads}
    finally:
        await asyncio.to_thread(server.stop)
    assert len(threads) > 1  # the server's own threads, not only the one that exec'd
    assert niceness == {min(19, os.getpriority(os.PRIO_PROCESS, 0) + 7)}


def test_a_background_child_of_niceness_zero_keeps_the_priority_of_mcc() -> None:
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    for increment, expected in [(0, ours), (3, min(19, ours + 3))]:
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpriority(os.PRIO_PROCESS, 0))"],
            preexec_fn=functools.partial(start_as_background_child, increment),
            capture_output=True,
            text=True,
            check=True,
        )
        assert int(child.stdout) == expected
