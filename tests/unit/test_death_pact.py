"""Children started through the death pact die with the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from mcc.process.death_pact import DeathPact, death_pact

PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from mcc.process.death_pact import DeathPact, death_pact, set_parent_death_signal
    pact = death_pact() if sys.argv[1] == "default" else DeathPact((), set_parent_death_signal)
    child = subprocess.Popen(pact.argv("sleep", "60"), preexec_fn=pact.preexec)
    print(child.pid, flush=True)
    time.sleep(60)
    """
)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def _command_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except FileNotFoundError:
        return ""


@pytest.mark.parametrize("kind", ["default", "preexec"])
def test_a_child_dies_when_the_process_that_started_it_is_killed(kind: str) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, kind], stdout=subprocess.PIPE, cwd=os.getcwd()
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    # setpriv arms the signal just before it execs the command: kill the parent once
    # the command runs (killed before that, the child would miss it; see death_pact).
    deadline = time.monotonic() + 5
    while _command_of(child) != "sleep" and time.monotonic() < deadline:
        time.sleep(0.005)
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child), "the child outlived the process that started it"


def test_the_default_pact_needs_no_fork_hook_where_setpriv_can_set_it() -> None:
    pact = death_pact()
    assert pact.preexec is None, "this machine's util-linux setpriv should carry the pact"
    assert pact.argv("git", "status")[-2:] == ["git", "status"]
    assert isinstance(pact, DeathPact)
