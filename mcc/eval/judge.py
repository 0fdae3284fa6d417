"""Deciding resolution: the hidden tests, run on what a mode left in the repository."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

from mcc.eval.tasks import EvalTask

JUDGE_TIMEOUT_S = 120.0


def _checkout(repo: Path, ref: str, into: Path) -> bool:
    """The tree of `ref` of `repo` in `into`; False when the ref does not exist."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", ref],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return False
    subprocess.run(
        ["tar", "-x", "-C", str(into)],
        input=archive.stdout,
        check=True,
    )
    return True


def judge_sync(task: EvalTask, repo: Path, ref: str) -> bool:
    """Whether the hidden tests pass on `ref` of `repo` (the agents' claims do not count)."""
    with tempfile.TemporaryDirectory(prefix=f"mcc-eval-{task.slug}-") as tmp:
        work = Path(tmp)
        if not _checkout(repo, ref, work):
            return False
        shutil.copytree(task.hidden, work, dirs_exist_ok=True)
        try:
            done = subprocess.run(
                task.test_command,
                cwd=work,
                capture_output=True,
                timeout=JUDGE_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return False
        return done.returncode == 0


async def judge(task: EvalTask, repo: Path, ref: str) -> bool:
    return await asyncio.to_thread(judge_sync, task, repo, ref)
