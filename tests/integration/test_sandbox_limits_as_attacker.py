"""A hostile agent's command against the sandbox: host root, and caps on the whole command.

Written as the attacks were found: one `run_command` wrote the host's
`kernel.core_pattern` (uid 0 inside was the host's root), six processes under
the per-process memory limit took 10 GB, five files under the per-file limit
took 5 GB. CI runs these as root, as `make up` runs on a fresh VM.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from mcc.agents.tools.commands import describe
from mcc.sandbox import Sandbox, SandboxLimits
from mcc.sandbox.disk import usage_bytes

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")

FAST = SandboxLimits(wall_seconds=30)
MB = 1024 * 1024
# Each process touches its pages, so they are resident (RSS), not just reserved.
HOG = (
    "python3 -c 'import time; b = bytearray({mb} * 1024 * 1024); "
    'b[::4096] = b"x" * len(b[::4096]); time.sleep(30)\''
)


async def test_a_sysctl_write_is_refused(sandbox: Sandbox, worktree: Path) -> None:
    before = Path("/proc/sys/kernel/core_pattern").read_text()
    # Writing the value it already has: harmless on the host even if it got through.
    result = await sandbox.run(
        "cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern && echo WROTE; "
        "echo 1 > /proc/sys/vm/drop_caches && echo DROPPED; "
        "cat /proc/sys/kernel/core_pattern",
        worktree,
        FAST,
    )
    assert "WROTE" not in result.stdout and "DROPPED" not in result.stdout
    assert "Read-only file system" in result.stderr
    assert result.stdout.strip() == before.strip()  # still readable, unchanged


async def test_commands_never_run_as_the_hosts_root(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(
        "id -u; id -g; grep -E '^Cap(Eff|Prm|Inh):' /proc/self/status", worktree, FAST
    )
    lines = result.stdout.split("\n")
    uid, gid = int(lines[0]), int(lines[1])
    if os.geteuid() == 0:
        assert (uid, gid) == (65533, 65533)
    else:
        assert uid == os.geteuid()
    assert uid != 0
    capabilities = [line.split()[1] for line in lines[2:] if line]
    assert capabilities == ["0000000000000000"] * 3  # no capability to get root back


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the worktree to another uid")
async def test_files_written_by_mcc_and_by_the_command_stay_usable_by_both(
    sandbox: Sandbox, worktree: Path
) -> None:
    (worktree / "src").mkdir()
    (worktree / "src" / "by_mcc.py").write_text("x = 1\n")  # as root, like the file tools
    result = await sandbox.run(
        "echo 'y = 2' >> src/by_mcc.py && mkdir -p out && echo made > out/by_agent.txt",
        worktree,
        FAST,
    )
    assert result.ok, result.stderr
    assert (worktree / "src" / "by_mcc.py").read_text() == "x = 1\ny = 2\n"
    (worktree / "out" / "by_agent.txt").write_text("changed by MCC\n")
    assert (worktree / "out" / "by_agent.txt").stat().st_uid == 65533


@pytest.mark.parametrize("cap", ["auto", "watchdog"])
async def test_memory_of_many_processes_together_is_capped(worktree: Path, cap: str) -> None:
    # Each process stays far under the per-process limit (2 GB); together they pass 300 MB.
    sandbox = Sandbox(process_cap=cap)  # type: ignore[arg-type]
    hogs = " & ".join([HOG.format(mb=150)] * 4) + " & wait"
    started = time.monotonic()
    result = await sandbox.run(
        hogs, worktree, SandboxLimits(wall_seconds=30, command_memory_mb=300)
    )
    assert result.killed_reason == "memory_limit"
    assert result.exit_code is None
    assert time.monotonic() - started < 10  # killed, not left to the wall-clock limit
    assert describe(result).startswith("killed: memory limit")


async def test_one_process_under_the_command_memory_runs(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(
        HOG.format(mb=100).replace("time.sleep(30)", "print(len(b))"),
        worktree,
        SandboxLimits(wall_seconds=30, command_memory_mb=300),
    )
    assert result.ok, result.stderr
    assert result.stdout.strip() == str(100 * MB)


async def test_disk_filled_with_files_each_under_the_file_limit_is_capped(
    sandbox: Sandbox, worktree: Path
) -> None:
    # Twenty files of 60 MB (1.2 GB). The tree is measured every 0.25 s, and a fast disk
    # writes several files in one interval (bench/README.md): the cap errs late by what one
    # interval can write, so "well before all of them" is the claim, not "at 200 MB".
    fill = "for i in $(seq 1 20); do head -c 60000000 /dev/zero > f$i || exit 9; done; sleep 20"
    started = time.monotonic()
    result = await sandbox.run(fill, worktree, SandboxLimits(wall_seconds=30, disk_mb=200))
    assert result.killed_reason == "disk_limit"
    assert time.monotonic() - started < 10
    assert usage_bytes(worktree) < 900 * 1000 * 1000  # stopped well before all 1.2 GB
    assert describe(result).startswith("killed: disk limit")


async def test_a_worktree_over_its_disk_limit_can_still_be_cleaned_up(
    sandbox: Sandbox, worktree: Path
) -> None:
    (worktree / "big").write_bytes(b"\0" * (3 * MB))
    result = await sandbox.run("rm big && echo cleaned", worktree, SandboxLimits(disk_mb=2))
    assert result.ok and result.stdout.strip() == "cleaned"


async def test_one_file_cannot_outgrow_the_disk_limit(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(
        "head -c 30000000 /dev/zero > one || echo refused", worktree, SandboxLimits(disk_mb=10)
    )
    assert "refused" in result.stdout or result.killed_reason == "disk_limit"
    assert (worktree / "one").stat().st_size <= 10 * MB


async def test_ten_megabytes_of_output_keep_head_and_tail_and_say_what_was_cut(
    sandbox: Sandbox, worktree: Path
) -> None:
    script = "import sys; sys.stdout.write('FIRST LINE\\n' + 'x' * 10_000_000 + '\\nLAST LINE\\n')"
    result = await sandbox.run(["python3", "-c", script], worktree, FAST)
    shown = describe(result)
    assert "FIRST LINE" in shown and "LAST LINE" in shown
    assert "MB cut; showing the first 4,000 and the last 8,000 characters of 10.0 MB" in shown
    assert len(shown) < 13_000
