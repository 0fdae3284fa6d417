"""Pieces of the sandbox that need no process: output cap, limits, mount table."""

from __future__ import annotations

import re
import resource
import subprocess
from pathlib import Path

import pytest

from mcc.agents.tools.command_output import fit_output
from mcc.config import Settings
from mcc.errors import InvalidInput
from mcc.git.nested import NestedRepository, nested_repositories, refuse_nested_repositories
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


def test_as_root_the_command_starts_as_the_unprivileged_uid_without_a_user_namespace(
    tmp_path: Path,
) -> None:
    features = BwrapFeatures(disable_userns=True, tmpfs_size=True, perms=True)
    argv = bwrap_argv("bwrap", ["make", "test"], tmp_path, features=features, run_as=(1234, 5678))
    assert "--unshare-user" not in argv and "--unshare-all" not in argv
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"):
        assert flag in argv
    # Only the two capabilities setpriv needs survive, and setpriv runs first.
    added = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--cap-add"]
    assert added == ["CAP_SETUID", "CAP_SETGID"]
    command = argv[argv.index("--") + 1 :]
    assert command[:5] == [
        "/usr/bin/setpriv",
        "--reuid=1234",
        "--regid=5678",
        "--clear-groups",
        "--inh-caps=-all",
    ]
    assert command[-2:] == ["make", "test"]
    # Its own /tmp is writable by that uid.
    assert argv[argv.index("--tmpfs") - 2 : argv.index("--tmpfs")] == ["--perms", "1777"]


def test_proc_sys_is_bound_read_only_over_the_sandboxes_proc(tmp_path: Path) -> None:
    order = [(m.option, str(m.dest)) for m in mounts(tmp_path, ro_paths=[])]
    assert order.index(("--ro-bind", "/proc/sys")) > order.index(("--proc", "/proc"))


def test_directories_on_the_way_to_a_bound_path_are_traversable(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "worktree"
    deep.mkdir(parents=True)
    table = mounts(deep, ro_paths=[], traversable=True)
    made = {m.dest: m.perms for m in table if m.option == "--dir"}
    assert made[tmp_path / "a"] == "0755" and made[tmp_path / "a" / "b"] == "0755"
    assert deep not in made and Path("/tmp") not in made  # mounts themselves are not redone
    order = [m.dest for m in table]
    assert order.index(tmp_path / "a" / "b") < order.index(deep)


def test_long_output_keeps_both_ends_and_says_how_much_was_cut() -> None:
    text = "HEAD\n" + "x" * 100_000 + "\nTAIL"
    shown = fit_output(text, 9_900_000, 1200)
    assert shown.startswith("HEAD") and shown.endswith("TAIL")
    assert "[… 9.9 MB cut; showing the first 400 and the last 800 characters of 9.9 MB]" in shown
    assert fit_output("short", 5, 1200) == "short"


def test_nested_repositories_are_found_and_named(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: elsewhere\n")  # the worktree's own: fine
    (tmp_path / "lib" / "vendored" / ".git").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / ".git").write_text("gitdir: /somewhere\n")
    assert nested_repositories(tmp_path) == ["lib/vendored", "tools"]
    with pytest.raises(NestedRepository, match=re.escape("lib/vendored/.git, tools/.git")):
        refuse_nested_repositories(tmp_path)
