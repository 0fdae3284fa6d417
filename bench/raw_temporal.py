"""Raw Temporal for bench/pipeline.py: MCC's run shapes with trivial activities.

A module of its own that imports only temporalio, so that its workflows run in
the SDK's sandbox as MCC's do (the bench's own module imports the whole app, which
the sandbox would import again for every run).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy


@activity.defn(name="bench_noop")
async def noop(_: int) -> int:
    return 0


async def step(i: int) -> None:
    """The trivial activity, asked for as MCC asks for its steps (`workflows/issue.py`'s
    `_quick`): with a heartbeat timeout, a timer the server keeps per attempt."""
    await workflow.execute_activity(
        noop,
        i,
        start_to_close_timeout=timedelta(seconds=30),
        heartbeat_timeout=timedelta(seconds=10),
        retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=20),
    )


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
    """An issue's run: its own activities before and after the person's decision,
    and each child run's activities, in the order they ran."""

    before_gate: int
    after_gate: int
    children: tuple[int, ...]


@workflow.defn(name="BenchChild")
class BenchChild:
    @workflow.run
    async def run(self, count: int) -> None:
        for i in range(count):
            await step(i)


@workflow.defn(name="BenchIssue")
class BenchIssue:
    """An issue's run with MCC taken out: the same workflows and activity counts, the
    same wait for a decision signal, no work. Activities and children run one after
    the other (MCC's coders may run in parallel, so the baseline is no faster for
    their sake)."""

    def __init__(self) -> None:
        self.decided = False

    @workflow.run
    async def run(self, shape: RunShape) -> None:
        wid = workflow.info().workflow_id
        for i in range(shape.before_gate):
            await step(i)
        for n, count in enumerate(shape.children):
            await workflow.execute_child_workflow(BenchChild.run, count, id=f"{wid}/child-{n}")
        await workflow.wait_condition(lambda: self.decided)
        for i in range(shape.after_gate):
            await step(i)

    @workflow.signal
    def decide(self) -> None:
        self.decided = True


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
