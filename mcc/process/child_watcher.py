"""Wait for child processes through pidfds, not a thread per child.

On Python 3.11 asyncio learns that a child (git, the sandbox) has exited through
`ThreadedChildWatcher`: a new thread per child, blocked in `waitpid`. Starting
that thread waits for it to run, so on a worker whose loop shares the GIL with
busy threads every spawn paid two GIL hand-offs, on top of the fork.
A pidfd is a file descriptor that becomes readable when its process exits: the
loop watches it like a socket, with no thread (figures: bench/README.md).

Python 3.12 made this the default (and deprecated choosing a watcher); this is
its stateless watcher, which registers with whichever loop is running, so one
process may run several loops in turn (tests do). Linux 5.3+; elsewhere, and on
3.12+, asyncio's own choice stands.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

Exited = Callable[..., object]  # (pid, exit code, *args)

log = logging.getLogger(__name__)


class RunningLoopPidfdWatcher(asyncio.AbstractChildWatcher):
    """asyncio's 3.12 `PidfdChildWatcher`: one pidfd per child, on the running loop."""

    def add_child_handler(self, pid: int, callback: Exited, *args: Any) -> None:  # type: ignore[override]
        loop = asyncio.get_running_loop()
        pidfd = os.pidfd_open(pid)
        loop.add_reader(pidfd, self._reap, pid, pidfd, callback, args)

    def _reap(self, pid: int, pidfd: int, callback: Exited, args: tuple[Any, ...]) -> None:
        asyncio.get_running_loop().remove_reader(pidfd)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by someone else: the code is lost
            log.warning("child process %d was reaped elsewhere; exit code unknown", pid)
            code = 255
        else:
            code = os.waitstatus_to_exitcode(status)
        os.close(pidfd)
        callback(pid, code, *args)

    def remove_child_handler(self, pid: int) -> bool:
        return True  # the reader goes away with the child

    def attach_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        pass  # uses whichever loop runs when a child starts

    def is_active(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def __enter__(self) -> RunningLoopPidfdWatcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass


@functools.cache
def _pidfds_work() -> bool:
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def use_pidfd_child_watcher() -> bool:
    """Install the pidfd watcher for this process (once); False where asyncio's stays."""
    if sys.version_info >= (3, 12) or not _pidfds_work():
        return False
    policy = asyncio.get_event_loop_policy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        current = policy.get_child_watcher()
        if not isinstance(current, RunningLoopPidfdWatcher):
            policy.set_child_watcher(RunningLoopPidfdWatcher())
    return True
