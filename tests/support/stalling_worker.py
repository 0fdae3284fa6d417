"""A real MCC worker process that stalls after one chosen activity has done its work
and before it reports the result: the moment a crash is most expensive.

    python -m tests.support.stalling_worker <activity type> <step> <marker file>
    python -m tests.support.stalling_worker any <n> <marker file>

The first form stalls after that activity's step (`llm_step` 3, say); the second
after the n-th activity this process completes, whatever it is. It runs the
product's worker (same workflows, same activities); an interceptor only waits,
after the activity returned, until the test kills the process. The marker file
receives the activity type it stalled in.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from api.temporal_link import TemporalLink
from mcc.config import Settings
from mcc.runtime import Runtime
from workflows.worker import build_worker


class _Stall(ActivityInboundInterceptor):
    def __init__(self, nxt: ActivityInboundInterceptor, kind: str, step: int, marker: Path):
        super().__init__(nxt)
        self.kind, self.step, self.marker = kind, step, marker

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        result = await super().execute_activity(input)
        kind = activity.info().activity_type
        arg = input.args[0] if input.args else None
        if self.kind == "any":
            _completed[0] += 1
            stall = _completed[0] == self.step
        else:
            stall = kind == self.kind and getattr(arg, "step", None) == self.step
        if stall:
            self.marker.write_text(kind)
            await asyncio.sleep(3600)  # killed here, before the result is reported
        return result


_completed = [0]


class StallAfter(Interceptor):
    def __init__(self, kind: str, step: int, marker: Path) -> None:
        self.kind, self.step, self.marker = kind, step, marker

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Stall(next, self.kind, self.step, self.marker)


async def main(kind: str, step: int, marker: Path) -> None:
    settings = Settings()
    runtime = Runtime.build(settings)
    client = await TemporalLink(settings).connect()
    worker = build_worker(client, runtime, [StallAfter(kind, step, marker)])
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))
