"""Without bubblewrap, agent commands are refused, unless the sandbox is explicitly off."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from mcc.config import Settings
from mcc.errors import InvalidInput
from mcc.sandbox import Sandbox, SandboxLimits, SandboxUnavailable

PRINT_ENV = ["python3", "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
FAST = SandboxLimits(wall_seconds=20)


def python_env_of(stdout: str) -> dict[str, str]:
    return dict(json.loads(stdout))


async def test_missing_bwrap_refuses_commands_with_install_instructions(worktree: Path) -> None:
    sandbox = Sandbox.from_settings(Settings(sandbox_bwrap="/nonexistent/bwrap"))
    with pytest.raises(SandboxUnavailable) as info:
        await sandbox.run(["true"], worktree)
    assert "apt-get install bubblewrap" in info.value.message
    assert info.value.code == "sandbox_unavailable"
    assert not (worktree / "ran").exists()


async def test_bwrap_missing_from_path_refuses_commands(
    worktree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        await Sandbox().run("touch ran", worktree)
    assert not (worktree / "ran").exists()


async def test_sandbox_off_runs_unconfined_but_keeps_empty_env_and_limits(
    worktree: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("MCC_LLM_API_KEY", "sk-mcc-secret")
    sandbox = Sandbox.from_settings(Settings(sandbox="off", sandbox_bwrap="/nonexistent/bwrap"))
    with caplog.at_level(logging.WARNING, logger="mcc.sandbox"):
        result = await sandbox.run(PRINT_ENV, worktree, FAST)
    assert set(python_env_of(result.stdout)) == {"PATH", "HOME", "TMPDIR", "LANG"}
    assert "unconfined" in caplog.text
    slow = await sandbox.run(["sleep", "30"], worktree, SandboxLimits(wall_seconds=0.3))
    assert slow.killed_reason == "wall_time"
    assert slow.duration_s < 3


async def test_worktree_must_exist_and_not_be_a_system_directory(tmp_path: Path) -> None:
    sandbox = Sandbox(bwrap="/nonexistent/bwrap")  # checked before bwrap is looked for
    with pytest.raises(InvalidInput):
        await sandbox.run(["true"], tmp_path / "missing")
    with pytest.raises(InvalidInput):
        await sandbox.run(["true"], Path("/usr"))
