"""Pieces of the sandbox that need no process: output cap, limits, mount table."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from mcc.config import Settings
from mcc.errors import InvalidInput
from mcc.sandbox import SandboxLimits
from mcc.sandbox.bwrap import BwrapFeatures, bwrap_argv, check_worktree, git_metadata, mounts
from mcc.sandbox.output import CappedOutput

FEATURES = BwrapFeatures(disable_userns=True, tmpfs_size=True)


def test_output_under_the_cap_is_kept_whole() -> None:
    out = CappedOutput(100)
    out.feed(b"hello ")
    out.feed(b"world\n")
    assert out.text() == "hello world\n"
    assert not out.truncated


def test_output_over_the_cap_keeps_both_ends_and_says_how_much_was_dropped() -> None:
    out = CappedOutput(20)
    for n in range(1000):
        out.feed(f"line {n}\n".encode())
    text = out.text()
    assert out.truncated
    assert text.startswith("line 0\n")
    assert text.endswith("line 999\n")
    assert f"{out.total - 20} bytes omitted" in text


def test_limits_come_from_settings() -> None:
    settings = Settings(
        sandbox_cpu_seconds=7,
        sandbox_memory_mb=300,
        sandbox_max_processes=9,
        sandbox_output_bytes=1000,
        sandbox_wall_seconds=3.5,
    )
    limits = SandboxLimits.from_settings(settings)
    assert (limits.cpu_seconds, limits.memory_mb, limits.max_processes) == (7, 300, 9)
    assert (limits.output_bytes, limits.wall_seconds) == (1000, 3.5)
    rlimits = dict(limits.rlimits())
    assert rlimits[resource.RLIMIT_CPU] == (7, 8)
    assert rlimits[resource.RLIMIT_AS] == (300 * 1024 * 1024, 300 * 1024 * 1024)
    assert rlimits[resource.RLIMIT_CORE] == (0, 0)


def test_non_positive_limits_are_refused() -> None:
    with pytest.raises(InvalidInput):
        SandboxLimits(wall_seconds=0)


def test_sandbox_setting_accepts_only_bwrap_or_off() -> None:
    assert Settings(sandbox="off").sandbox == "off"
    with pytest.raises(ValueError):
        Settings(sandbox="docker")


def test_bwrap_command_line_drops_every_capability_and_namespace(tmp_path: Path) -> None:
    argv = bwrap_argv("bwrap", ["true"], tmp_path, features=FEATURES)
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    assert "--share-net" not in argv
    assert argv[-2:] == ["--", "true"]
    assert argv[argv.index("--chdir") + 1] == str(tmp_path)


def test_mount_table_binds_only_the_worktree_writable_and_hides_home(tmp_path: Path) -> None:
    table = mounts(tmp_path, ro_paths=[])
    writable = [m.dest for m in table if m.option == "--bind"]
    assert writable == [tmp_path]
    bound = {str(m.dest) for m in table}
    assert not any(p.startswith(("/root", "/home", "/work", "/var")) for p in bound)
    assert "/etc/shadow" not in bound


def test_mount_table_puts_the_git_dir_read_only_on_top_of_the_worktree(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    table = mounts(tmp_path, ro_paths=[])
    order = [(m.option, m.dest) for m in table]
    assert order.index(("--ro-bind", tmp_path / ".git")) > order.index(("--bind", tmp_path))
    tmp = order.index(("--tmpfs", Path("/tmp")))
    assert tmp < order.index(("--bind", tmp_path))  # a worktree under /tmp stays visible


def test_forged_gitdir_pointer_binds_nothing(tmp_path: Path) -> None:
    other = tmp_path / "other"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {other / '.git'}\n")
    assert git_metadata(worktree) == []


def test_root_and_system_directories_cannot_be_worktrees() -> None:
    for path in ("/", "/usr/lib", "/etc", "/tmp"):
        with pytest.raises(InvalidInput):
            check_worktree(Path(path))
