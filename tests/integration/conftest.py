"""Fixtures of the sandbox tests: one sandbox per module, an empty worktree per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcc.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def worktree(tmp_path: Path) -> Path:
    path = tmp_path / "worktree"
    path.mkdir()
    return path
