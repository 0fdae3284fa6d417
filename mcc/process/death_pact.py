"""Child processes that die with the MCC process that started them, started cheaply.

A killed worker must not leave a git or sandbox process behind that goes on
writing into a worktree the retried activity is about to use, so every child
gets PR_SET_PDEATHSIG. Setting it from Python needs `preexec_fn`, which forces
CPython to fork() the whole worker instead of vfork(), with the event loop
blocked for the whole fork, several times slower per git command than util-linux's
`setpriv --pdeathsig KILL` (vfork, then one extra exec; bench/README.md). So the prefix is the
default and the prctl hook the fallback for systems without a recent setpriv.

The signal is armed in the child just before it execs the command, so a worker
killed in the first millisecond of a child's life can still leave that one child
behind (setpriv does not re-check its parent); git commands end by themselves and
sandboxed ones at their time limit.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class DeathPact:
    """How to start a child that dies with us: an argv prefix, or a pre-exec hook."""

    prefix: tuple[str, ...]
    preexec: Callable[[], None] | None

    def argv(self, *command: str) -> list[str]:
        return [*self.prefix, *command]


def _load_prctl() -> Callable[..., int] | None:
    with contextlib.suppress(Exception):
        prctl: Callable[..., int] = ctypes.CDLL("libc.so.6", use_errno=True).prctl
        return prctl
    return None


_PRCTL = _load_prctl()


def set_parent_death_signal(signum: int = signal.SIGKILL) -> None:
    """For a forked child before exec (plain syscalls only): `signum` when the parent dies."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signum)


def _setpriv_with_pdeathsig() -> str | None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    try:
        probe = subprocess.run([setpriv, "--help"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return setpriv if b"--pdeathsig" in probe.stdout else None  # util-linux >= 2.33


@functools.cache
def death_pact() -> DeathPact:
    setpriv = _setpriv_with_pdeathsig()
    if setpriv is not None:
        return DeathPact(prefix=(setpriv, "--pdeathsig", "KILL", "--"), preexec=None)
    return DeathPact(prefix=(), preexec=set_parent_death_signal)
