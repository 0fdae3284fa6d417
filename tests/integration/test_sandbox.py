"""Agent commands in the real bubblewrap sandbox: what they can and cannot do."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from mcc.sandbox import Sandbox, SandboxLimits

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")

FAST = SandboxLimits(wall_seconds=20)


def git(*args: str, cwd: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=t", "-c", "user.email=t@t"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def python_env_of(result_stdout: str) -> dict[str, str]:
    return dict(json.loads(result_stdout))


PRINT_ENV = ["python3", "-c", "import json, os; print(json.dumps(dict(os.environ)))"]


# -- what works ------------------------------------------------------------------


async def test_command_runs_in_the_worktree_and_its_files_persist(
    sandbox: Sandbox, worktree: Path
) -> None:
    script = "import os; open('made.txt', 'w').write('by the agent'); print(os.getcwd())"
    result = await sandbox.run(["python3", "-c", script], worktree, FAST)
    assert result.ok, result.stderr
    assert result.stdout.strip() == str(worktree)
    assert (worktree / "made.txt").read_text() == "by the agent"
    assert not result.timed_out and not result.truncated


async def test_shell_string_runs_through_sh(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run("echo one && echo two >&2; exit 3", worktree, FAST)
    assert (result.exit_code, result.stdout, result.stderr) == (3, "one\n", "two\n")


async def test_unknown_command_exits_127(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(["no-such-tool-xyz"], worktree, FAST)
    assert result.exit_code == 127
    assert "no-such-tool-xyz" in result.stderr


async def test_git_status_works_in_a_cloned_worktree(sandbox: Sandbox, worktree: Path) -> None:
    git("init", "-q", "-b", "main", cwd=worktree)
    (worktree / "tracked.txt").write_text("x\n")
    git("add", ".", cwd=worktree)
    git("commit", "-q", "-m", "first", cwd=worktree)
    result = await sandbox.run("echo new > untracked.txt && git status --porcelain", worktree, FAST)
    assert result.ok, result.stderr
    assert result.stdout == "?? untracked.txt\n"


async def test_git_works_in_a_linked_worktree_whose_git_dir_is_read_only(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    main = tmp_path / "repos" / "p1" / "main"
    main.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=main)
    (main / "a.txt").write_text("a\n")
    git("add", ".", cwd=main)
    git("commit", "-q", "-m", "first", cwd=main)
    agent = tmp_path / "repos" / "p1" / "agent_coder_1"
    git("worktree", "add", "-q", "-b", "task", str(agent), cwd=main)

    result = await sandbox.run(
        "echo b > b.txt && git status --porcelain && git log --oneline", agent, FAST
    )
    assert result.ok, result.stderr
    assert "?? b.txt" in result.stdout and "first" in result.stdout

    # No command may plant a hook that MCC's own git would later run on the host.
    hook = main / ".git" / "hooks" / "post-commit"
    planted = await sandbox.run(f"echo 'touch /tmp/pwned' > {hook}", agent, FAST)
    assert planted.exit_code != 0
    assert "Read-only file system" in planted.stderr
    assert not hook.exists()
    rewrite = await sandbox.run("echo 'gitdir: /etc' > .git", agent, FAST)
    assert rewrite.exit_code != 0
    assert (agent / ".git").read_text().startswith(f"gitdir: {main / '.git'}")


async def test_pytest_of_a_sample_repo_runs_with_the_shared_python(
    sandbox: Sandbox, worktree: Path
) -> None:
    (worktree / "test_sample.py").write_text("def test_adds():\n    assert 1 + 1 == 2\n")
    result = await sandbox.run(
        ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], worktree, FAST
    )
    assert result.ok, result.stdout + result.stderr
    assert "1 passed" in result.stdout


# -- what is refused -------------------------------------------------------------


async def test_parent_api_keys_and_tokens_do_not_leak_into_the_environment(
    sandbox: Sandbox, worktree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {
        "MCC_LLM_API_KEY": "sk-mcc-secret",
        "OPENROUTER_API_KEY": "sk-or-secret",
        "GITHUB_TOKEN": "ghp_secret",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    result = await sandbox.run(PRINT_ENV, worktree, FAST)
    env = python_env_of(result.stdout)
    # bwrap sets PWD; as root, MCC tells git inside to trust the (root-owned) repository.
    trust = {"GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"}
    assert set(env) - {"PWD"} - trust == {"PATH", "HOME", "TMPDIR", "LANG"}
    assert not any(value in result.stdout for value in secrets.values())
    grep = await sandbox.run("cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'", worktree, FAST)
    assert "secret" not in grep.stdout


async def test_explicitly_allowed_variables_are_passed(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(PRINT_ENV, worktree, FAST, env={"CI": "1"})
    assert python_env_of(result.stdout)["CI"] == "1"


async def test_files_outside_the_worktree_cannot_be_read(
    sandbox: Sandbox, tmp_path: Path, worktree: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret\n")
    result = await sandbox.run(
        ["cat", str(secret), __file__, "/root/.ssh/known_hosts"], worktree, FAST
    )
    assert result.exit_code != 0
    assert "host secret" not in result.stdout
    assert result.stderr.count("No such file or directory") == 3
    home = await sandbox.run(["ls", "-A", "/root"], worktree, FAST)
    assert home.stdout.split() in ([], [".pyenv"])  # only the shared interpreter, if any


async def test_writing_outside_the_worktree_fails_on_the_read_only_system(
    sandbox: Sandbox, worktree: Path
) -> None:
    marker = f"mcc-sandbox-{uuid.uuid4().hex}"
    result = await sandbox.run(
        f"touch /usr/{marker}; touch /etc/{marker}; touch /{marker}; touch /tmp/{marker}",
        worktree,
        FAST,
    )
    assert result.stderr.count("Read-only file system") == 3
    for place in ("/usr", "/etc", "/", "/tmp"):  # /tmp inside is a private tmpfs
        assert not Path(place, marker).exists()


async def test_host_processes_are_invisible(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run("ls /proc | grep -c '^[0-9]'", worktree, FAST)
    assert int(result.stdout) <= 4  # bwrap's pid 1, sh, ls, grep


async def test_system_cannot_be_remounted_read_write(sandbox: Sandbox, worktree: Path) -> None:
    # As root, bwrap would leave every capability inside the sandbox unless dropped.
    marker = f"mcc-sandbox-{uuid.uuid4().hex}"
    result = await sandbox.run(
        f"mount -o remount,rw,bind /usr && touch /usr/{marker}", worktree, FAST
    )
    assert result.exit_code != 0
    assert not Path("/usr", marker).exists()


async def test_network_connection_to_a_host_server_fails(sandbox: Sandbox, worktree: Path) -> None:
    accepted: list[bool] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(True)
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        probe = textwrap.dedent(f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3)
                print("connected")
            except OSError as exc:
                print("refused", type(exc).__name__)
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=3)
                print("internet")
            except OSError as exc:
                print("no route", type(exc).__name__)
        """)
        result = await sandbox.run(["python3", "-c", probe], worktree, FAST)
    finally:
        server.close()
    assert "refused ConnectionRefusedError" in result.stdout
    assert "no route" in result.stdout
    assert "connected" not in result.stdout and "internet" not in result.stdout
    assert accepted == []


# -- limits ------------------------------------------------------------------------


async def test_fork_bomb_is_killed_at_the_process_cap(sandbox: Sandbox, worktree: Path) -> None:
    started = time.monotonic()
    result = await sandbox.run(
        "bomb() { bomb | bomb & }; bomb; sleep 10",
        worktree,
        SandboxLimits(max_processes=32, wall_seconds=10),
    )
    assert result.killed_reason == "process_limit"
    assert result.exit_code is None
    assert time.monotonic() - started < 5


async def test_process_watchdog_kills_a_command_that_spawns_too_many(worktree: Path) -> None:
    # Where no pids cgroup can be made; a bounded storm, not a real bomb.
    sandbox = Sandbox(process_cap="watchdog")
    assert sandbox.process_cap_kind == "watchdog"
    result = await sandbox.run(
        "for i in $(seq 60); do sleep 10 & done; wait",
        worktree,
        SandboxLimits(max_processes=16, wall_seconds=10),
    )
    assert result.killed_reason == "process_limit"
    assert result.duration_s < 5


async def test_endless_loop_is_killed_at_the_cpu_limit(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(
        ["python3", "-c", "while True: pass"],
        worktree,
        SandboxLimits(cpu_seconds=1, wall_seconds=10),
    )
    assert result.timed_out
    assert result.killed_reason == "cpu_time"
    assert result.duration_s < 5


async def test_sleeping_command_is_killed_at_the_wall_limit_with_its_children(
    sandbox: Sandbox, worktree: Path
) -> None:
    marker = f"{time.time_ns() % 10**6 + 1000}.5"  # a sleep duration no one else uses
    result = await sandbox.run(
        f"sleep {marker} & sleep {marker}", worktree, SandboxLimits(wall_seconds=0.5)
    )
    assert result.timed_out
    assert result.killed_reason == "wall_time"
    assert result.exit_code is None
    assert 0.5 <= result.duration_s < 3
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    assert left.stdout == ""


async def test_commands_run_at_a_lower_priority_than_mcc(sandbox: Sandbox, worktree: Path) -> None:
    result = await sandbox.run(["nice"], worktree, FAST)
    assert result.ok
    assert int(result.stdout) == min(os.nice(0) + 10, 19)


async def test_a_command_dies_with_the_worker_that_started_it(worktree: Path) -> None:
    marker = f"{time.time_ns() % 10**6 + 2000}.25"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import asyncio, sys; from pathlib import Path; from mcc.sandbox import Sandbox;"
            "asyncio.run(Sandbox().run(['sleep', sys.argv[1]], Path(sys.argv[2])))",
            marker,
            str(worktree),
        ]
    )

    def running(pattern: str = f"sleep {marker}") -> bool:
        found = subprocess.run(["pgrep", "-f", pattern], capture_output=True)
        return found.returncode == 0

    # The command itself, not a wrapper whose arguments name it: setpriv arms the
    # death signal just before it execs (see death_pact), so kill the worker after that.
    command = f"^sleep {marker}$"
    try:
        deadline = time.monotonic() + 20
        while not running(command) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert running(command), "the command did not start"
    finally:
        worker.kill()
        worker.wait()
    deadline = time.monotonic() + 5
    while running() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not running(), "the sandboxed command outlived the killed worker"


async def test_background_job_does_not_outlive_its_command(
    sandbox: Sandbox, worktree: Path
) -> None:
    result = await sandbox.run("sleep 30 & echo started", worktree, FAST)
    assert result.ok
    assert result.duration_s < 3


async def test_huge_output_is_truncated_and_says_so(sandbox: Sandbox, worktree: Path) -> None:
    script = "import sys\nfor n in range(200_000): print(f'line {n}')\nprint('the end')"
    result = await sandbox.run(
        ["python3", "-c", script], worktree, SandboxLimits(output_bytes=2000, wall_seconds=20)
    )
    assert result.ok
    assert result.truncated
    assert "bytes omitted" in result.stdout
    assert result.stdout.startswith("line 0\n")
    assert result.stdout.endswith("the end\n")
    assert len(result.stdout) < 2200


async def test_memory_beyond_the_limit_cannot_be_allocated(
    sandbox: Sandbox, worktree: Path
) -> None:
    result = await sandbox.run(
        ["python3", "-c", "b = bytearray(1024 * 1024 * 1024)"],
        worktree,
        SandboxLimits(memory_mb=256, wall_seconds=20),
    )
    assert result.exit_code == 1
    assert "MemoryError" in result.stderr
