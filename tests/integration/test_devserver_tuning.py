"""The embedded Temporal that `mcc up` starts hands a run its next workflow task at
once, not at the pace of Temporal's default transfer-queue polling (20 reads a
second, which made every step of a run wait ~40 ms on an idle machine)."""

from __future__ import annotations

import asyncio
import statistics
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from mcc.config import Settings
from mcc.devserver import DevServer
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
    # Temporal's default makes the median ~38 ms here (a rate limit, whatever the load).
    assert statistics.median(waits) < 15, sorted(waits)
