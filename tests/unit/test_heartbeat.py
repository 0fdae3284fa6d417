"""An activity's work heartbeats while it runs, costs no extra turn of the loop,
and stops when the activity is cancelled."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.testing import ActivityEnvironment

from activities.heartbeat import heartbeating
from tests.support.loop_turns import loop_turns


async def test_long_work_heartbeats_until_it_returns() -> None:
    env = ActivityEnvironment()
    beats: list[object] = []
    env.on_heartbeat = lambda *details: beats.append(details)

    async def work() -> str:
        await asyncio.sleep(0.35)
        return "done"

    async def activity_body() -> str:
        return await heartbeating(work(), every_s=0.1)

    assert await env.run(activity_body) == "done"
    assert 2 <= len(beats) <= 4
    count = len(beats)
    await asyncio.sleep(0.25)
    assert len(beats) == count  # no beat once the work is over


async def test_work_that_does_not_suspend_costs_no_turn_of_the_loop() -> None:
    async def work() -> int:
        return 42

    async with loop_turns() as turns:

        async def activity_body() -> tuple[int, int]:
            before = turns.count
            result = await heartbeating(work())
            return result, turns.count - before

        assert await ActivityEnvironment().run(activity_body) == (42, 0)


async def test_cancelling_the_activity_cancels_its_work() -> None:
    env = ActivityEnvironment()
    stopped = asyncio.Event()

    async def work() -> None:
        try:
            await asyncio.sleep(30)
        finally:
            stopped.set()

    async def activity_body() -> None:
        await heartbeating(work(), every_s=0.05)

    running = asyncio.ensure_future(env.run(activity_body))
    await asyncio.sleep(0.1)
    env.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, 5)
    assert stopped.is_set()
