"""The shipped evaluation tasks: `<slug>/task.json`, `<slug>/repo/`, `<slug>/hidden/`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mcc.errors import InvalidInput

DEFAULT_TASKS_DIR = Path(__file__).resolve().parents[2] / "eval" / "tasks"


@dataclass(frozen=True)
class EvalTask:
    slug: str
    title: str
    body: str
    language: str
    test_command: list[str]  # run in the checkout with the hidden files added; 0 = resolved
    timeout_s: float
    repo: Path  # the files the agents start from
    hidden: Path  # the tests that decide resolution (never shown to the agents)


def load_task(folder: Path) -> EvalTask:
    spec = json.loads((folder / "task.json").read_text())
    return EvalTask(
        slug=folder.name,
        title=spec["title"],
        body=spec["body"],
        language=spec.get("language", "python"),
        test_command=list(spec["test_command"]),
        timeout_s=float(spec.get("timeout_s", 1800)),
        repo=folder / "repo",
        hidden=folder / "hidden",
    )


def load_tasks(root: Path = DEFAULT_TASKS_DIR, only: list[str] | None = None) -> list[EvalTask]:
    """The tasks under `root` (by slug, sorted), or just those named in `only`."""
    found = {p.name: p for p in sorted(root.iterdir()) if (p / "task.json").is_file()}
    if only:
        unknown = [slug for slug in only if slug not in found]
        if unknown:
            raise InvalidInput(
                f"unknown eval tasks: {', '.join(unknown)} (have: {', '.join(found)})"
            )
        return [load_task(found[slug]) for slug in only]
    return [load_task(path) for path in found.values()]
