"""Which command runs a project's tests, when the project does not say."""

from __future__ import annotations

import json
from pathlib import Path


def detect_test_command(worktree: Path) -> str | None:
    """A best guess from the files at the repository's root; None when nothing fits."""

    def has(name: str) -> bool:
        return (worktree / name).exists()

    package = worktree / "package.json"
    if package.is_file():
        try:
            scripts = json.loads(package.read_text()).get("scripts", {})
        except (ValueError, AttributeError):
            scripts = {}
        if isinstance(scripts, dict) and "test" in scripts:
            return "npm test --silent"
    if has("pytest.ini") or has("conftest.py") or _mentions(worktree / "pyproject.toml", "pytest"):
        return "python3 -m pytest -q"
    if has("go.mod"):
        return "go test ./..."
    if has("Cargo.toml"):
        return "cargo test --offline"
    if _mentions(worktree / "Makefile", "\ntest:"):
        return "make test"
    if any(worktree.glob("test_*.py")) or any(worktree.glob("tests/test_*.py")):
        return "python3 -m unittest discover -q"
    return None


def _mentions(path: Path, text: str) -> bool:
    try:
        return text in ("\n" + path.read_text(errors="replace"))
    except OSError:
        return False
