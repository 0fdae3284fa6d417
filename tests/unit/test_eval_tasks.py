"""The shipped evaluation tasks, the judge and the report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcc.errors import InvalidInput
from mcc.eval.judge import judge_sync
from mcc.eval.report import Outcome, summarize, table
from mcc.eval.tasks import DEFAULT_TASKS_DIR, EvalTask, load_tasks

TASKS = load_tasks()


def repo_of(task: EvalTask, where: Path) -> Path:
    repo = where / task.slug
    subprocess.run(["cp", "-r", str(task.repo), str(repo)], check=True)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo), *args],
            check=True,
            capture_output=True,
        )
    return repo


def test_the_task_set_has_eight_python_tasks_and_a_javascript_one() -> None:
    languages = [t.language for t in TASKS]
    assert languages.count("python") >= 8 and languages.count("javascript") >= 1
    for task in TASKS:
        assert task.title and task.body and task.test_command
        assert list(task.hidden.iterdir()), task.slug
        # The agents start from `repo/`, which holds none of the hidden files.
        assert not {p.name for p in task.hidden.iterdir()} & {p.name for p in task.repo.iterdir()}


@pytest.mark.parametrize("task", TASKS, ids=[t.slug for t in TASKS])
def test_every_task_is_unresolved_as_shipped(task: EvalTask, tmp_path: Path) -> None:
    assert not judge_sync(task, repo_of(task, tmp_path), "main")


def test_a_fixed_repository_is_resolved_and_a_missing_branch_is_not(tmp_path: Path) -> None:
    (task,) = load_tasks(only=["js-title-case"])
    repo = repo_of(task, tmp_path)
    fixed = (
        "function titleCase(text) {\n"
        "  return text.split(' ').map((w) => w.charAt(0).toUpperCase() + "
        "w.slice(1).toLowerCase()).join(' ');\n}\n\nmodule.exports = { titleCase };\n"
    )
    (repo / "title.js").write_text(fixed)
    subprocess.run(["git", "-C", str(repo), "checkout", "-qb", "fix"], check=True)
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-C",
            str(repo),
            "commit",
            "-qam",
            "fix",
        ],
        check=True,
    )
    assert judge_sync(task, repo, "fix")
    assert not judge_sync(task, repo, "main")
    assert not judge_sync(task, repo, "no-such-branch")


def test_unknown_task_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="unknown eval tasks: nope"):
        load_tasks(DEFAULT_TASKS_DIR, ["nope"])


def outcome(task: str, mode: str, resolved: bool, usd: float) -> Outcome:
    return Outcome(task, mode, resolved, False, "done", usd, 100, 10, 3, 1.0)


def test_the_report_compares_resolved_per_dollar() -> None:
    summary = summarize(
        [
            outcome("a", "company", True, 0.40),
            outcome("b", "company", True, 0.40),
            outcome("a", "baseline", True, 0.10),
            outcome("b", "baseline", False, 0.30),
        ],
        model="m",
    )
    company, baseline = summary["modes"]["company"], summary["modes"]["baseline"]
    assert (company["resolved_pct"], baseline["resolved_pct"]) == (100.0, 50.0)
    assert company["usd_per_resolved"] == pytest.approx(0.40)
    assert baseline["usd_per_resolved"] == pytest.approx(0.40)
    assert summary["resolved_per_usd_ratio"] == pytest.approx((2 / 0.8) / (1 / 0.4))
    assert "USD per resolved task" in table(summary)


def test_mcc_eval_refuses_an_unknown_task() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "eval", "--tasks", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "unknown eval tasks: nope" in done.stderr
