"""The process cap of a sandboxed command: a pids cgroup, or a watchdog.

RLIMIT_NPROC cannot do this job: the kernel does not enforce it for root
(uid 0 is exempt), and for any other uid it counts every process of that
user, the MCC worker's included, not those of one command. So:

1. `PidsCgroup` (preferred): a fresh child cgroup of the pids controller
   (cgroup v1 or v2) with `pids.max`, which the child joins before exec. The
   kernel refuses the fork past the cap; `pids.events` tells that it happened,
   and MCC then kills the whole group. Needs a writable cgroup hierarchy
   (root on a host, or a container started with a writable cgroup).
2. `ProcessCounter` (fallback): counts the processes of the sandbox's pid
   namespace (or, unconfined, of its session) every poll and kills them all
   past the cap (killing pid 1 of the namespace makes the kernel kill the
   rest). Not a hard cap: a fork bomb overshoots between two polls (measured
   on 2 cores: a shell fork bomb reached 1500 tasks, the safety cgroup put
   around the experiment, and was killed 0.3 s after it started). The
   cgroup is the real defence; the watchdog bounds the damage in time.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

_counter = itertools.count()
_swept: set[Path] = set()


class ProcessCap(Protocol):
    poll_seconds: float

    def child_setup(self) -> None:
        """Runs in the forked child before exec: plain syscalls only (no locks, no imports)."""

    def join_argv(self) -> list[str]:
        """An argv prefix that joins the cap and then execs the rest, in the same process."""

    def attach(self, leader: int, pid_namespace: int | None) -> None:
        """The sandbox started: `leader` is its first process (its pid 1, if namespaced)."""

    def exceeded(self) -> bool: ...

    def kill_all(self) -> None: ...

    def close(self) -> None: ...


def _mountinfo() -> list[tuple[str, str, str, set[str]]]:
    """(mount root, mount point, fs type, super options) of every mount."""
    mounts = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) >= 5 and len(tail) >= 3:
            mounts.append((fields[3], fields[4], tail[0], set(tail[2].split(","))))
    return mounts


def pids_cgroup_base() -> Path | None:
    """The directory of this process's cgroup in a hierarchy with the pids controller."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
        mounts = _mountinfo()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers:  # cgroup v1: "N:pids:/path"
            if "pids" not in controllers.split(","):
                continue
            candidates = [m for m in mounts if m[2] == "cgroup" and "pids" in m[3]]
        else:  # cgroup v2: "0::/path"
            candidates = [m for m in mounts if m[2] == "cgroup2"]
        for mount_root, mount_point, _, _ in candidates:
            if path == mount_root or path.startswith(mount_root.rstrip("/") + "/"):
                relative = path[len(mount_root) :].lstrip("/")
                base = Path(mount_point) / relative
                if base.is_dir():
                    return base
    return None


def _sweep(base: Path) -> None:
    """Remove cgroups left by MCC processes that died before cleaning up."""
    if base in _swept:
        return
    _swept.add(base)
    for stale in base.glob("mcc-sandbox-*"):
        owner = stale.name.split("-")[2]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            with contextlib.suppress(OSError):
                stale.rmdir()


class PidsCgroup:
    poll_seconds = 0.05

    def __init__(self, path: Path) -> None:
        self.path = path
        self._procs = str(path / "cgroup.procs")

    @classmethod
    def create(cls, base: Path, max_processes: int) -> PidsCgroup | None:
        """A new cgroup under `base` capped at `max_processes`, or None if not possible here."""
        _sweep(base)
        path = base / f"mcc-sandbox-{os.getpid()}-{next(_counter)}"
        try:
            path.mkdir()
        except OSError:
            return None
        try:
            (path / "pids.max").write_text(str(max_processes))
        except OSError:  # v2 without pids enabled in the parent's subtree_control
            with contextlib.suppress(OSError):
                path.rmdir()
            return None
        return cls(path)

    def child_setup(self) -> None:
        fd = os.open(self._procs, os.O_WRONLY)
        try:
            os.write(fd, b"0")  # "0" moves the writing process itself
        finally:
            os.close(fd)

    def join_argv(self) -> list[str]:
        # "0" moves the writing process itself; exec keeps the pid, so bwrap and all
        # it starts are in the cgroup from their first instruction. (sh would export
        # a PWD that the command's environment, built from nothing, did not have.)
        return ["/bin/sh", "-c", 'echo 0 > "$0" && unset PWD && exec "$@"', self._procs]

    def attach(self, leader: int, pid_namespace: int | None) -> None:
        pass

    def exceeded(self) -> bool:
        try:
            events = (self.path / "pids.events").read_text().split()
        except OSError:
            return False
        counts = dict(zip(events[::2], events[1::2], strict=False))
        return int(counts.get("max", "0")) > 0

    def members(self) -> list[int]:
        try:
            return [int(pid) for pid in Path(self._procs).read_text().split()]
        except OSError:
            return []

    def kill_all(self) -> None:
        kill_file = self.path / "cgroup.kill"  # cgroup v2 (Linux 5.14+): one atomic kill
        if kill_file.exists():
            with contextlib.suppress(OSError):
                kill_file.write_text("1")
                return
        for _ in range(100):  # v1: no new task can appear beyond pids.max, so this ends
            pids = self.members()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.001)

    def close(self) -> None:
        self.kill_all()
        deadline = time.monotonic() + 2.0
        while True:
            try:
                self.path.rmdir()
                return
            except OSError:
                if time.monotonic() > deadline:
                    log.warning("could not remove sandbox cgroup %s", self.path)
                    return
                time.sleep(0.002)


class ProcessCounter:
    """Counts the sandbox's processes: its pid namespace (bwrap), or its session (unconfined)."""

    poll_seconds = 0.05

    def __init__(self, max_processes: int) -> None:
        self.max_processes = max_processes
        self._leader: int | None = None
        # With a pid namespace: descriptors that stay bound to its pid 1 even after
        # that pid number is reused (pid_max can be as low as 32768).
        self._pidfd: int | None = None
        self._proc_fd: int | None = None

    def child_setup(self) -> None:
        pass

    def join_argv(self) -> list[str]:
        return []

    def attach(self, leader: int, pid_namespace: int | None) -> None:
        self._leader = leader
        if pid_namespace is None:
            return
        try:
            pidfd = os.pidfd_open(leader)
            proc_fd = os.open(f"/proc/{leader}", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:  # already gone: so is everything in its namespace
            return
        if os.stat("ns/pid", dir_fd=proc_fd).st_ino != pid_namespace:
            os.close(pidfd)
            os.close(proc_fd)
            return
        self._pidfd, self._proc_fd = pidfd, proc_fd

    def _count(self, directory: int | str, belongs: Callable[[str], bool] | None) -> int:
        count = 0
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.isdigit():
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        if belongs is None or belongs(entry.name):
                            count += 1
                            if count > self.max_processes:
                                break
        return count

    def _in_session(self, pid: str) -> bool:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            fields = stat_file.read().rpartition(b")")[2].split()
        # state, ppid, pgrp, session, ...: the leader called setsid; zombies are done
        return fields[0] != b"Z" and int(fields[3]) == self._leader

    def exceeded(self) -> bool:
        if self._proc_fd is not None:
            # The sandbox mounted a procfs of its own pid namespace: it lists exactly
            # the sandbox's processes, so the cost does not grow with the host's.
            try:
                proc = os.open("root/proc", os.O_RDONLY | os.O_DIRECTORY, dir_fd=self._proc_fd)
            except OSError:  # pid 1 is gone, and the namespace with it
                return False
            try:
                return self._count(proc, None) > self.max_processes
            finally:
                os.close(proc)
        if self._leader is None:
            return False
        return self._count("/proc", self._in_session) > self.max_processes

    def kill_all(self) -> None:
        if self._pidfd is not None:
            # Killing pid 1 of a pid namespace makes the kernel kill every process in it.
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            return
        if self._leader is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._leader, signal.SIGKILL)
        for _ in range(20):  # stragglers that left the process group but not the session
            pids = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
            alive = [int(pid) for pid in pids if _suppressed(self._in_session, pid)]
            if not alive:
                return
            for pid in alive:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.001)

    def close(self) -> None:
        self.kill_all()
        for fd in (self._pidfd, self._proc_fd):
            if fd is not None:
                os.close(fd)
        self._pidfd = self._proc_fd = None


def _suppressed(check: Callable[[str], bool], pid: str) -> bool:
    try:
        return check(pid)
    except (OSError, ValueError, IndexError):
        return False


def process_cap(max_processes: int, base: Path | None) -> ProcessCap:
    """A pids cgroup under `base` if one can be made, else the /proc watchdog."""
    if base is not None:
        cgroup = PidsCgroup.create(base, max_processes)
        if cgroup is not None:
            return cgroup
    return ProcessCounter(max_processes)
