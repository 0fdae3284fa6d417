"""The Temporal dev server the tests, the bench and the history recorder run on: the
binary `mcc up` runs, with MCC's search attributes, its `TUNING` and its priority."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from mcc.config import Settings
from mcc.devserver import temporal_binary, tuning_flags
from workflows.search_attributes import ALL

NICENESS: int = Settings.model_fields["temporal_niceness"].default


async def start_dev_server(
    log_level: str = "error", port: int | None = None
) -> WorkflowEnvironment:
    """A dev server on a free port, or on `port` (a restart where the last one served)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_binary()),
        search_attributes=ALL,
        dev_server_log_level=log_level,
        dev_server_extra_args=tuning_flags(),
        port=port,
    )
    port = int(env.client.service_client.config.target_host.rpartition(":")[2])
    lower_priority(dev_server_pid(port), NICENESS)
    return env


def dev_server_pid(port: int) -> int:
    """The SDK starts the binary itself and does not say its pid: the one serving `port`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if b"start-dev" in argv and str(port).encode() in argv:
                return int(entry.name)
    raise LookupError(f"no Temporal dev server serves port {port}")


def lower_priority(pid: int, increment: int) -> None:
    """What `mcc up` sets before exec, set after the fact: Linux keeps a niceness per
    thread, so each of the running server's threads (new ones inherit it from theirs)."""
    done: set[int] = set()
    while True:
        threads = {int(t) for t in os.listdir(f"/proc/{pid}/task")} - done
        if not threads:
            return
        for tid in threads:
            with contextlib.suppress(ProcessLookupError):
                now = os.getpriority(os.PRIO_PROCESS, tid)
                os.setpriority(os.PRIO_PROCESS, tid, min(19, now + increment))
        done |= threads
