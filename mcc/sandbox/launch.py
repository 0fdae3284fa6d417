"""How a sandboxed command's first process is set up before it runs anything.

It must die with the worker, join the process cap's cgroup, carry the rlimits
and run at a lower priority, all before it can start anything else. Doing that
in a `preexec_fn` makes CPython fork() the whole worker, with the event loop
blocked meanwhile, for every agent command (figures: bench/README.md). Instead the command is started with vfork through a chain of
util-linux/coreutils helpers, each setting one thing on itself and exec'ing the
next in the same process: `setpriv --pdeathsig` → `prlimit` → `nice` → (cgroup
join) → bwrap. Where a helper is missing, the fork hook does the same work.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mcc.process.death_pact import death_pact, set_parent_death_signal
from mcc.sandbox.processes import ProcessCap

_PRLIMIT_FLAG = {
    resource.RLIMIT_CPU: "--cpu",
    resource.RLIMIT_AS: "--as",
    resource.RLIMIT_FSIZE: "--fsize",
    resource.RLIMIT_CORE: "--core",
}

RLimits = Sequence[tuple[int, tuple[int, int]]]


@dataclass(frozen=True)
class Launch:
    """An argv prefix for the command, and the fork hook when the prefix cannot do it all."""

    prefix: list[str]
    preexec: Callable[[], None] | None


@functools.cache
def _helpers() -> tuple[str, str] | None:
    prlimit, nice = shutil.which("prlimit"), shutil.which("nice")
    return (prlimit, nice) if prlimit and nice else None


def _limit(value: int) -> str:
    return "unlimited" if value == resource.RLIM_INFINITY else str(value)


def launch(cap: ProcessCap, rlimits: RLimits, niceness: int) -> Launch:
    pact, helpers = death_pact(), _helpers()
    if pact.preexec is None and helpers is not None and all(w in _PRLIMIT_FLAG for w, _ in rlimits):
        prlimit, nice = helpers
        limits = [
            f"{_PRLIMIT_FLAG[w]}={_limit(soft)}:{_limit(hard)}" for w, (soft, hard) in rlimits
        ]
        return Launch(
            [
                *pact.argv(prlimit, *limits, "--", nice, "-n", str(niceness), "--"),
                *cap.join_argv(),
            ],
            None,
        )

    def child_setup() -> None:  # in the forked child, before exec: syscalls only
        cap.child_setup()
        for which, pair in rlimits:
            resource.setrlimit(which, pair)
        os.nice(niceness)
        set_parent_death_signal()

    return Launch([], child_setup)
