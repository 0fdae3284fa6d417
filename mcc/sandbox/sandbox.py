"""Run an agent's command confined to its worktree.

How each limit is enforced:

- wall time: MCC waits at most `wall_seconds`, then kills the sandbox (the
  pid namespace dies with its pid 1; unconfined, the session/cgroup is
  killed) and reports `timed_out`, `killed_reason="wall_time"`;
- CPU time, memory, file size, core dumps: rlimits set in the child before
  exec, inherited by everything it starts (see `SandboxLimits.rlimits`);
- processes and the memory of all of them together: cgroups, or a /proc
  watchdog (see `processes`), reported as `process_limit` / `memory_limit`;
- disk: the worktree's size, measured while the command runs (see `disk`),
  reported as `disk_limit`;
- identity: never the host's root (see `bwrap`): as root, MCC hands the
  worktree to an unprivileged uid (see `worktree_owner`) and runs the command as it;
- output: each stream is read as it comes and capped (see `CappedOutput`);
- network: a new, empty network namespace (only its own loopback);
- environment: built from nothing: PATH, HOME, TMPDIR, LANG, and what the
  caller passes explicitly; nothing of MCC's own environment (API keys,
  tokens) is inherited. (bwrap adds PWD.)
- priority: commands run at nice 10, so a busy agent cannot starve the API,
  the workflows or the watchdog that has to stop it.

Python: with `share_python` (the default) MCC's own interpreter (its venv
and the base install the venv links to) is bound read-only and put first on
PATH, so the tester can run pytest, ruff and mypy with no network to install
them. Only those two directories are exposed, not the checkout the venv sits
in; they hold code, no secrets. A project needing other tools adds them with
`sandbox_ro_paths` (e.g. a toolchain under /opt) or vendors them in the worktree.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from mcc.config import Settings
from mcc.errors import InvalidInput
from mcc.sandbox.bwrap import (
    PRIVATE_TMP,
    SETPRIV,
    BwrapFeatures,
    bwrap_argv,
    check_worktree,
    python_prefixes,
)
from mcc.sandbox.disk import DiskWatch
from mcc.sandbox.errors import INSTALL_HINT, SandboxUnavailable
from mcc.sandbox.launch import launch
from mcc.sandbox.limits import SandboxLimits
from mcc.sandbox.output import CappedOutput
from mcc.sandbox.processes import CgroupBases, CommandCgroup, ProcessCap, process_cap
from mcc.sandbox.result import CommandResult, KillReason
from mcc.sandbox.worktree_owner import hand_over

log = logging.getLogger(__name__)

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
_SIGXCPU_EXIT = 128 + signal.SIGXCPU
_DRAIN_GRACE_SECONDS = 2.0
_NICENESS = 10  # agent commands yield the CPU to MCC itself (API, workflows, watchdog)


_MB = 1024 * 1024
_TRUST_REPOSITORY = {
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "safe.directory",
    "GIT_CONFIG_VALUE_0": "*",
}
SandboxState = Literal["ready", "missing", "broken", "off"]


def _usable_cgroups() -> CgroupBases | None:
    """Where command cgroups can be made, checked by making (and removing) one."""
    bases = CgroupBases.find()
    probe = CommandCgroup.create(bases, 1, 64 * _MB) if bases is not None else None
    if probe is None:
        log.info("no writable pids cgroup: process and memory caps are enforced by a watchdog")
        return None
    if probe.memory is None:
        log.info("no writable memory cgroup: a command's memory is capped by an RSS watchdog")
    probe.close()
    return bases


def _default_identity() -> tuple[int, int] | None:
    return (65533, 65533) if os.geteuid() == 0 else None


async def _until_exited(process: asyncio.subprocess.Process, exited: asyncio.Future[int]) -> None:
    while process.returncode is None:
        await asyncio.wait([exited], timeout=0.05)


@dataclass(frozen=True)
class SandboxReport:
    state: SandboxState
    detail: str  # a sentence for the person: what is wrong and what to do


@dataclass
class _Run:
    """The state of one command while it runs."""

    process: asyncio.subprocess.Process
    cap: ProcessCap
    confined: bool
    reason: KillReason | None = None
    saw_exit_code: bool = False  # bwrap ran the command to its end

    def kill(self, reason: KillReason) -> None:
        """Kill at once what can be killed without blocking; `cap.close` sweeps the rest."""
        if self.reason is None:
            self.reason = reason
        with contextlib.suppress(ProcessLookupError):
            if self.confined:
                # bwrap's pid 1 has PDEATHSIG (--die-with-parent), and when pid 1 of a
                # pid namespace dies the kernel kills every process in it.
                self.process.kill()
            else:
                os.killpg(self.process.pid, signal.SIGKILL)


class Sandbox:
    """Runs commands in bubblewrap (or, when explicitly turned off, unconfined)."""

    def __init__(
        self,
        *,
        mode: Literal["bwrap", "off"] = "bwrap",
        bwrap: str = "bwrap",
        limits: SandboxLimits | None = None,
        share_python: bool = True,
        ro_paths: Sequence[Path] = (),
        process_cap: Literal["auto", "watchdog"] = "auto",
        run_as: tuple[int, int] | Literal["auto"] | None = "auto",
    ) -> None:
        self.mode = mode
        self.bwrap = bwrap
        self.limits = limits or SandboxLimits()
        self.share_python = share_python
        self.ro_paths = [Path(p).resolve() for p in ro_paths]
        if share_python:
            self.ro_paths += [p for p in python_prefixes() if p not in self.ro_paths]
        self._cgroups = _usable_cgroups() if process_cap == "auto" else None
        # Only root can (and must) give the command another uid; anyone else's is unprivileged.
        self.run_as = _default_identity() if run_as == "auto" else run_as
        if self.run_as is not None and os.geteuid() != 0:
            self.run_as = None
        self._features: dict[str, BwrapFeatures] = {}
        self._warned = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Sandbox:
        return cls(
            mode=settings.sandbox,
            bwrap=settings.sandbox_bwrap,
            limits=SandboxLimits.from_settings(settings),
            share_python=settings.sandbox_share_python,
            ro_paths=settings.sandbox_ro_paths,
            run_as=(settings.sandbox_uid, settings.sandbox_gid) if os.geteuid() == 0 else None,
        )

    @property
    def process_cap_kind(self) -> str:
        """`cgroup` when the kernel enforces the process cap, `watchdog` when MCC polls."""
        return "cgroup" if self._cgroups is not None else "watchdog"

    async def probe(self) -> SandboxReport:
        """Whether agents' commands can run here: one trivial command, through the real path."""
        if self.mode == "off":
            return SandboxReport("off", "MCC_SANDBOX=off: agents' commands run unconfined")
        try:
            self._find_bwrap()
            with tempfile.TemporaryDirectory(prefix="mcc-probe-") as root:
                worktree = Path(root) / "worktree"
                worktree.mkdir()
                result = await self.run(["true"], worktree, SandboxLimits(wall_seconds=30))
        except SandboxUnavailable as exc:
            state: SandboxState = "missing" if "was not found" in exc.message else "broken"
            return SandboxReport(state, exc.message)
        if not result.ok:
            return SandboxReport("broken", f"a trivial command failed in the sandbox: {result}")
        who = f"as uid {self.run_as[0]}" if self.run_as else "as MCC's own unprivileged user"
        return SandboxReport("ready", f"bubblewrap; commands run {who}")

    def path_variable(self) -> str:
        if self.share_python:
            return f"{Path(sys.prefix) / 'bin'}:{SYSTEM_PATH}"
        return SYSTEM_PATH

    async def run(
        self,
        command: Sequence[str] | str,
        cwd_worktree: Path,
        limits: SandboxLimits | None = None,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        """Run `command` (a string goes through `/bin/sh -c`) with `cwd_worktree` as its cwd."""
        limits = limits or self.limits
        argv = ["/bin/sh", "-c", command] if isinstance(command, str) else list(command)
        if not argv or not argv[0]:
            raise InvalidInput("the command is empty")
        try:
            worktree = Path(cwd_worktree).resolve(strict=True)
        except OSError:
            raise InvalidInput("the worktree does not exist") from None
        if not worktree.is_dir():
            raise InvalidInput("the worktree is not a directory")
        check_worktree(worktree)

        if self.mode == "off":
            if not self._warned:
                log.warning("sandbox is off (MCC_SANDBOX=off): agent commands run unconfined")
                self._warned = True
            with tempfile.TemporaryDirectory(prefix="mcc-home-") as home:
                environment = self._environment(env, home=home)
                return await self._execute(
                    lambda _: argv, worktree, environment, limits, confined=False
                )

        bwrap = self._find_bwrap()
        features = await self._bwrap_features(bwrap)
        if self.run_as is not None:
            if not Path(SETPRIV).is_file():
                raise SandboxUnavailable(
                    f"{SETPRIV} (util-linux) is needed to run commands as an unprivileged "
                    "user: install util-linux"
                )
            if not features.perms:
                raise SandboxUnavailable(
                    "this bubblewrap is too old to run commands as an unprivileged user "
                    f"(it lacks --perms; 0.5 or newer is needed): {INSTALL_HINT}"
                )
            await asyncio.to_thread(hand_over, worktree, *self.run_as)

        def sandboxed_argv(status_fd: int | None) -> list[str]:
            return bwrap_argv(
                bwrap,
                argv,
                worktree,
                features=features,
                ro_paths=self.ro_paths,
                tmp_bytes=limits.memory_mb * _MB,
                status_fd=status_fd,
                run_as=self.run_as,
            )

        environment = self._environment(env, home=PRIVATE_TMP)
        if self.run_as is not None:
            # The repository's files are MCC's (root's), the command's uid is not: git
            # inside would refuse them as "dubious ownership" without this.
            environment = {**_TRUST_REPOSITORY, **environment}
        return await self._execute(sandboxed_argv, worktree, environment, limits, confined=True)

    # -- pieces ------------------------------------------------------------------

    def _environment(self, extra: Mapping[str, str] | None, *, home: str) -> dict[str, str]:
        environment = {
            "PATH": self.path_variable(),
            "HOME": home,
            "TMPDIR": home,
            "LANG": "C.UTF-8",
        }
        environment.update(extra or {})
        return environment

    def _find_bwrap(self) -> str:
        if os.sep in self.bwrap:
            found = self.bwrap if os.access(self.bwrap, os.X_OK) else None
        else:
            found = shutil.which(self.bwrap)
        if found is None or not Path(found).is_file():
            raise SandboxUnavailable(
                f"bubblewrap ({self.bwrap}) was not found, so agent commands are refused: "
                f"{INSTALL_HINT}"
            )
        return found

    async def _bwrap_features(self, bwrap: str) -> BwrapFeatures:
        if bwrap not in self._features:
            proc = await asyncio.create_subprocess_exec(
                bwrap,
                "--help",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env={"PATH": SYSTEM_PATH},
            )
            out, _ = await proc.communicate()
            self._features[bwrap] = BwrapFeatures.from_help(out.decode(errors="replace"))
        return self._features[bwrap]

    async def _execute(
        self,
        build_argv: Callable[[int | None], list[str]],
        worktree: Path,
        environment: dict[str, str],
        limits: SandboxLimits,
        *,
        confined: bool,
    ) -> CommandResult:
        """Start the command, watch it, enforce the limits, collect its output."""
        cap = process_cap(limits.max_processes, self._cgroups, limits.command_memory_mb * _MB)
        disk = await asyncio.to_thread(DiskWatch, worktree, limits.disk_mb * _MB)
        start = launch(cap, limits.rlimits(), _NICENESS)

        # bwrap reports its pid 1, pid namespace and the exit code on this pipe.
        status_read, status_write = os.pipe() if confined else (None, None)
        status_file = os.fdopen(status_read, "rb", 0) if status_read is not None else None
        stdout, stderr = CappedOutput(limits.output_bytes), CappedOutput(limits.output_bytes)
        started_at = time.monotonic()
        try:
            process = await asyncio.create_subprocess_exec(
                *start.prefix,
                *build_argv(status_write),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=worktree,
                env=environment,
                start_new_session=True,
                pass_fds=(status_write,) if status_write is not None else (),
                preexec_fn=start.preexec,
            )
        except BaseException:
            if status_file is not None:
                status_file.close()
            await asyncio.to_thread(cap.close)
            raise
        finally:
            if status_write is not None:
                os.close(status_write)
        if not confined:
            cap.attach(process.pid, None)  # its session: start_new_session made it the leader
        run = _Run(process, cap, confined=confined)
        assert process.stdout is not None and process.stderr is not None
        readers = [
            asyncio.create_task(stdout.drain(process.stdout)),
            asyncio.create_task(stderr.drain(process.stderr)),
        ]
        if status_file is not None:
            readers.append(asyncio.create_task(self._read_status(run, status_file)))
        exited = asyncio.ensure_future(process.wait())  # note: also waits for the pipes
        try:
            await self._supervise(run, exited, started_at + limits.wall_seconds, disk)
        finally:
            if process.returncode is None:  # killed, or run() itself was cancelled
                run.kill(run.reason or "wall_time")
                await asyncio.shield(_until_exited(process, exited))
            # Whatever is left (an unconfined background job) dies with the command.
            await asyncio.to_thread(cap.close)
            _, pending = await asyncio.wait([exited, *readers], timeout=_DRAIN_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            if status_file is not None:
                status_file.close()
        return self._result(run, stdout, stderr, time.monotonic() - started_at)

    async def _supervise(
        self, run: _Run, exited: asyncio.Future[int], deadline: float, disk: DiskWatch
    ) -> None:
        """Until the command exits: kill it at the wall-clock deadline or past a cap.

        Polls `returncode` rather than trusting `exited` alone: asyncio's wait()
        also waits for the pipes, which an unconfined background job may hold.
        """
        next_disk_check = time.monotonic() + disk.poll_seconds
        while run.process.returncode is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                run.kill("wall_time")
                return
            await asyncio.wait([exited], timeout=min(remaining, run.cap.poll_seconds))
            if run.process.returncode is not None:
                break
            if reason := await asyncio.to_thread(run.cap.exceeded):
                run.kill(reason)
                return
            if time.monotonic() >= next_disk_check:
                if await asyncio.to_thread(disk.exceeded):
                    run.kill("disk_limit")
                    return
                next_disk_check = time.monotonic() + disk.poll_seconds
        # An OOM kill inside the group may end the command before a poll saw it.
        if reason := await asyncio.to_thread(run.cap.exceeded):
            run.reason = reason
        elif await asyncio.to_thread(disk.exceeded):
            run.reason = "disk_limit"

    async def _read_status(self, run: _Run, status_file: BinaryIO) -> None:
        """bwrap's JSON status: the sandbox's pid 1 and pid namespace, then the exit code."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), status_file
        )
        try:
            while line := await reader.readline():
                with contextlib.suppress(ValueError, KeyError):
                    status = json.loads(line)
                    if "child-pid" in status:
                        run.cap.attach(int(status["child-pid"]), int(status["pid-namespace"]))
                    if "exit-code" in status:
                        run.saw_exit_code = True
        finally:
            transport.close()

    def _result(
        self, run: _Run, stdout: CappedOutput, stderr: CappedOutput, duration: float
    ) -> CommandResult:
        code = run.process.returncode
        assert code is not None
        if code < 0:
            code = 128 - code  # killed by signal -code, as a shell would report it
        reason = run.reason
        exit_code: int | None = None if reason is not None else code
        if reason is None and code == _SIGXCPU_EXIT:
            reason = "cpu_time"
        err = stderr.text()
        if run.confined and reason is None and not run.saw_exit_code:
            # bwrap itself failed: it never ran the command, or could not exec it.
            if "bwrap: execvp" in err:
                exit_code = 127
                err = err.replace("bwrap: execvp", "command not found:", 1)
            else:
                first = err.strip().splitlines()[0] if err.strip() else f"exit {code}"
                raise SandboxUnavailable(
                    f"bubblewrap could not set up the sandbox ({first}); {INSTALL_HINT}"
                )
        return CommandResult(
            exit_code=exit_code,
            stdout=stdout.text(),
            stderr=err,
            timed_out=reason in ("wall_time", "cpu_time"),
            killed_reason=reason,
            truncated=stdout.truncated or stderr.truncated,
            duration_s=duration,
            stdout_bytes=stdout.total,
            stderr_bytes=stderr.total,
        )
