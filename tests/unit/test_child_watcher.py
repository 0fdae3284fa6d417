"""Children are awaited through pidfds on the running loop: no thread per child,
exit codes intact, and any loop of the process can start them."""

from __future__ import annotations

import asyncio
import sys
import threading

import pytest

from mcc.process.child_watcher import RunningLoopPidfdWatcher, use_pidfd_child_watcher

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="3.12+ waits through pidfds by itself"
)


def _threads() -> set[int | None]:
    return {thread.ident for thread in threading.enumerate()}


async def _exit_code_and_new_threads(code: int) -> tuple[int, set[int | None]]:
    before = _threads()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", f"import time, sys; time.sleep(0.2); sys.exit({code})"
    )
    await asyncio.sleep(0.1)
    started = _threads() - before  # threads may end meanwhile; none may start
    return await proc.wait(), started


async def test_a_child_is_awaited_without_a_thread_of_its_own() -> None:
    assert use_pidfd_child_watcher()
    assert isinstance(asyncio.get_child_watcher(), RunningLoopPidfdWatcher)
    assert await _exit_code_and_new_threads(3) == (3, set())


def test_another_loop_of_the_process_can_start_children_too() -> None:
    use_pidfd_child_watcher()
    assert asyncio.run(_exit_code_and_new_threads(0))[0] == 0
    assert asyncio.run(_exit_code_and_new_threads(7))[0] == 7


async def test_installing_twice_keeps_one_watcher() -> None:
    use_pidfd_child_watcher()
    first = asyncio.get_child_watcher()
    use_pidfd_child_watcher()
    assert asyncio.get_child_watcher() is first
