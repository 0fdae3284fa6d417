"""Sample git repositories for tests."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx

from mcc.git.runner import Git

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout


def make_repo(path: Path, files: dict[str, str] | None = None, branch: str = "main") -> Path:
    """A repository at `path` with one commit holding `files`."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", f"--initial-branch={branch}")
    for name, content in (files or {"README.md": "# sample\n"}).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Initial commit")
    return path


async def commit_file(git_: Git, worktree: Path, relpath: str, content: str, message: str) -> None:
    """Write and commit one file in a worktree, through MCC's own git runner."""
    target = worktree / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    await git_.run(["add", "--", relpath], worktree)
    await git_.commit_staged(worktree, message)


async def registered_project(
    api: httpx.AsyncClient, tmp_path: Path, name: str | None = None
) -> dict[str, Any]:
    """A new repository under `tmp_path` registered through the API as project `name`
    (a unique one by default), as the API answered it."""
    name = name or f"Proj {uuid.uuid4().hex[:6]}"
    repo = make_repo(tmp_path / uuid.uuid4().hex[:8])
    response = await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
    assert response.status_code == 201, response.text
    return dict(response.json())
