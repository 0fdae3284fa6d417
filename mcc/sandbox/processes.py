"""What one sandboxed command may hold at once: processes and memory.

Both are caps on the command as a whole, not per process (RLIMIT_AS is per
process, so several processes under it can take many times the limit together).

RLIMIT_NPROC cannot do this job: the kernel does not enforce it for root
(uid 0 is exempt), and for any other uid it counts every process of that
user, the MCC worker's included, not those of one command. So:

1. `CommandCgroup` (preferred): a fresh child cgroup of the pids controller
   (cgroup v1 or v2) with `pids.max`, and of the memory controller with its
   limit (swap included), which the child joins before exec. The kernel
   refuses the fork past the cap and OOM-kills inside the group past the
   memory limit; `pids.events` / the OOM counter tell that it happened, and
   MCC then kills the whole group. Needs a writable cgroup hierarchy (root on
   a host, or a container started with a writable cgroup).
2. `ProcessCounter` (fallback, and for memory where only the pids controller
   is writable): counts the processes of the sandbox's pid namespace (or,
   unconfined, of its session) and adds up their resident memory every poll,
   and kills them all past either cap (killing pid 1 of the namespace makes
   the kernel kill the rest). Not a hard cap: a fork bomb or a fast
   allocation overshoots between two polls (figures: bench/README.md). The
   cgroup is the real defence;
   the watchdog bounds the damage in time. RSS counts shared pages once per
   process, so it errs towards killing early, never late.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

log = logging.getLogger(__name__)

_counter = itertools.count()
_swept: set[Path] = set()


CapReason = Literal["process_limit", "memory_limit"]
_PAGE = os.sysconf("SC_PAGE_SIZE")


class ProcessCap(Protocol):
    poll_seconds: float

    def child_setup(self) -> None:
        """Runs in the forked child before exec: plain syscalls only (no locks, no imports)."""

    def join_argv(self) -> list[str]:
        """An argv prefix that joins the cap and then execs the rest, in the same process."""

    def attach(self, leader: int, pid_namespace: int | None) -> None:
        """The sandbox started: `leader` is its first process (its pid 1, if namespaced)."""

    def exceeded(self) -> CapReason | None:
        """Which cap the command passed, if any (then MCC kills it)."""

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


def cgroup_base(controller: str) -> Path | None:
    """The directory of this process's cgroup in a hierarchy with `controller`."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
        mounts = _mountinfo()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers:  # cgroup v1: "N:pids:/path"
            if controller not in controllers.split(","):
                continue
            candidates = [m for m in mounts if m[2] == "cgroup" and controller in m[3]]
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


@dataclass(frozen=True)
class CgroupBases:
    """Where this process may make child cgroups, per controller (one path on cgroup v2)."""

    pids: Path
    memory: Path | None

    @classmethod
    def find(cls) -> CgroupBases | None:
        pids = cgroup_base("pids")
        return cls(pids, cgroup_base("memory")) if pids is not None else None


def _make(base: Path) -> Path | None:
    _sweep(base)
    path = base / f"mcc-sandbox-{os.getpid()}-{next(_counter)}"
    try:
        path.mkdir()
    except OSError:
        return None
    return path


def _write_all(path: Path, values: dict[str, str]) -> bool:
    """Write each present control file; False (nothing half-set matters) on a refusal."""
    try:
        for name, value in values.items():
            if (path / name).exists():
                (path / name).write_text(value)
    except OSError:
        return False
    return True


def _memory_settings(limit: int) -> dict[str, str]:
    # Unknown files are skipped: v1 has limit_in_bytes (+ memsw with swap accounting),
    # v2 has memory.max, memory.swap.max, and oom.group to kill the group as one.
    return {
        "memory.limit_in_bytes": str(limit),
        "memory.memsw.limit_in_bytes": str(limit),
        "memory.max": str(limit),
        "memory.swap.max": "0",
        "memory.oom.group": "1",
    }


def _oom_kills(path: Path) -> int:
    for name in ("memory.events", "memory.oom_control"):  # v2, v1
        try:
            lines = (path / name).read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
    return 0


class CommandCgroup:
    """The command's own cgroup(s): a pids cap, and a memory limit where the controller allows.

    Without a writable memory controller, `memory_watch` (an RSS watchdog) caps memory.
    """

    poll_seconds = 0.05

    def __init__(
        self, pids: Path, memory: Path | None, memory_watch: ProcessCounter | None = None
    ) -> None:
        self.path = pids
        self.memory = memory
        self.memory_watch = memory_watch
        joined = [pids, *([memory] if memory is not None and memory != pids else [])]
        self._procs = [str(path / "cgroup.procs") for path in joined]
        self._dirs = joined

    @classmethod
    def create(
        cls, bases: CgroupBases, max_processes: int, memory_bytes: int | None = None
    ) -> CommandCgroup | None:
        """New cgroups capped at `max_processes` (and `memory_bytes`), or None if not here."""
        pids = _make(bases.pids)
        if pids is None:
            return None
        if (
            not _write_all(pids, {"pids.max": str(max_processes)})
            or not (pids / "pids.max").exists()
        ):  # v2 without pids enabled in the parent's subtree_control
            with contextlib.suppress(OSError):
                pids.rmdir()
            return None
        memory: Path | None = None
        if memory_bytes is not None and bases.memory is not None:
            memory = pids if bases.memory == bases.pids else _make(bases.memory)
            settings = _memory_settings(memory_bytes) if memory is not None else {}
            applies = memory is not None and any((memory / name).exists() for name in settings)
            if memory is not None and not (applies and _write_all(memory, settings)):
                if memory != pids:
                    with contextlib.suppress(OSError):
                        memory.rmdir()
                memory = None
        watch = None
        if memory_bytes is not None and memory is None:
            watch = ProcessCounter(None, max_rss_bytes=memory_bytes)
        return cls(pids, memory, watch)

    @property
    def memory_kind(self) -> str:
        return "cgroup" if self.memory is not None else "watchdog"

    def child_setup(self) -> None:
        for procs in self._procs:
            fd = os.open(procs, os.O_WRONLY)
            try:
                os.write(fd, b"0")  # "0" moves the writing process itself
            finally:
                os.close(fd)

    def join_argv(self) -> list[str]:
        # "0" moves the writing process itself; exec keeps the pid, so bwrap and all
        # it starts are in the cgroups from their first instruction. (sh would export
        # a PWD that the command's environment, built from nothing, did not have.)
        joins = " && ".join(f'echo 0 > "${index}"' for index in range(len(self._procs)))
        shift = f" && shift {len(self._procs) - 1}" if len(self._procs) > 1 else ""
        return ["/bin/sh", "-c", f'{joins}{shift} && unset PWD && exec "$@"', *self._procs]

    def attach(self, leader: int, pid_namespace: int | None) -> None:
        if self.memory_watch is not None:
            self.memory_watch.attach(leader, pid_namespace)

    def exceeded(self) -> CapReason | None:
        try:
            events = (self.path / "pids.events").read_text().split()
        except OSError:
            events = []
        counts = dict(zip(events[::2], events[1::2], strict=False))
        if int(counts.get("max", "0")) > 0:
            return "process_limit"
        if self.memory is not None and _oom_kills(self.memory) > 0:
            return "memory_limit"
        if self.memory_watch is not None:
            return self.memory_watch.exceeded()
        return None

    def members(self) -> list[int]:
        try:
            return [int(pid) for pid in Path(self._procs[0]).read_text().split()]
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
        if self.memory_watch is not None:
            self.memory_watch.close()
        for path in reversed(self._dirs):
            deadline = time.monotonic() + 2.0
            while True:
                try:
                    path.rmdir()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        log.warning("could not remove sandbox cgroup %s", path)
                        break
                    time.sleep(0.002)


class ProcessCounter:
    """Counts the sandbox's processes and their resident memory: its pid namespace (bwrap),
    or its session (unconfined)."""

    poll_seconds = 0.05

    def __init__(self, max_processes: int | None, max_rss_bytes: int | None = None) -> None:
        self.max_processes = max_processes
        self.max_rss_bytes = max_rss_bytes
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

    def _measure(
        self, directory: int | str, belongs: Callable[[str], bool] | None
    ) -> CapReason | None:
        count = pages = 0
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.isdigit():
                    continue
                with contextlib.suppress(OSError, ValueError, IndexError):
                    if belongs is not None and not belongs(entry.name):
                        continue
                    count += 1
                    if self.max_processes is not None and count > self.max_processes:
                        return "process_limit"
                    if self.max_rss_bytes is not None:
                        pages += _resident_pages(directory, entry.name)
                        if pages * _PAGE > self.max_rss_bytes:
                            return "memory_limit"
        return None

    def _in_session(self, pid: str) -> bool:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            fields = stat_file.read().rpartition(b")")[2].split()
        # state, ppid, pgrp, session, ...: the leader called setsid; zombies are done
        return fields[0] != b"Z" and int(fields[3]) == self._leader

    def exceeded(self) -> CapReason | None:
        if self._proc_fd is not None:
            # The sandbox mounted a procfs of its own pid namespace: it lists exactly
            # the sandbox's processes, so the cost does not grow with the host's.
            try:
                proc = os.open("root/proc", os.O_RDONLY | os.O_DIRECTORY, dir_fd=self._proc_fd)
            except OSError:  # pid 1 is gone, and the namespace with it
                return None
            try:
                return self._measure(proc, None)
            finally:
                os.close(proc)
        if self._leader is None:
            return None
        return self._measure("/proc", self._in_session)

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


def _resident_pages(directory: int | str, pid: str) -> int:
    """Resident pages of one process (`statm`'s second field)."""
    if isinstance(directory, int):
        fd = os.open(f"{pid}/statm", os.O_RDONLY, dir_fd=directory)
    else:
        fd = os.open(f"{directory}/{pid}/statm", os.O_RDONLY)
    try:
        return int(os.read(fd, 256).split()[1])
    finally:
        os.close(fd)


def _suppressed(check: Callable[[str], bool], pid: str) -> bool:
    try:
        return check(pid)
    except (OSError, ValueError, IndexError):
        return False


def process_cap(
    max_processes: int, bases: CgroupBases | None, memory_bytes: int | None = None
) -> ProcessCap:
    """Cgroups under `bases` if they can be made, else the /proc watchdog for both caps."""
    if bases is not None:
        cgroup = CommandCgroup.create(bases, max_processes, memory_bytes)
        if cgroup is not None:
            return cgroup
    return ProcessCounter(max_processes, max_rss_bytes=memory_bytes)
