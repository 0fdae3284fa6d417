"""Kill the worker at ten different points of an issue's run: the run always
finishes with the same result, each LLM step is asked once, and nothing is
written twice (commits, pull requests, messages)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import func, select

from mcc.models.message import Message
from mcc.models.pull_request import PullRequest
from tests.support.decisions import decide
from tests.support.processes import kill_hard, mcc_env, start_mcc, stop
from tests.support.repos import git, make_repo
from tests.support.waiting import eventually, wait_for_phase

# Each worker process dies after completing (but before reporting) its n-th activity.
STALL_AFTER = [3, 2, 4, 3, 2, 5, 3, 4, 2, 3]


async def _exists(path):
    return path.exists()


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path):
    from mcc.db.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    upgrade(url)
    return url


@pytest.mark.external_worker
async def test_worker_killed_at_ten_points_the_run_ends_the_same_and_pays_once(
    api, company, settings, tmp_path
):
    env = mcc_env(settings)
    repo = make_repo(tmp_path / "src", {"README.md": "# crash\n"})
    name = f"Kills {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Survive", "body": "Ten kills."})

    points: list[str] = []
    for round_, n in enumerate(STALL_AFTER):
        marker = tmp_path / f"stalled-{round_}"
        log = (tmp_path / f"worker-{round_}.log").open("ab")
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.support.stalling_worker", "any", str(n), str(marker)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
            if issue["phase"] == "awaiting_approval":
                await decide(api, pid, 1, "approve")
            await eventually(lambda m=marker: _exists(m), 90, f"stall #{round_ + 1}")
            phase = (await api.get(f"/api/projects/{pid}/issues/1")).json()["phase"]
            points.append(f"{phase}:{marker.read_text()}")
        finally:
            kill_hard(worker)

    worker = start_mcc("worker", env, tmp_path / "worker-final.log")
    try:
        issue = (
            await wait_for_phase(api, pid, 1, "awaiting_approval", 120)
            if ((await api.get(f"/api/projects/{pid}/issues/1")).json()["phase"] != "done")
            else None
        )
        if issue is not None:
            await decide(api, pid, 1, "approve")
        done = await wait_for_phase(api, pid, 1, "done", 120)
    finally:
        stop(worker)

    assert len(points) == 10 and len(set(points)) >= 5, points
    origin = api._mcc.runtime.repos.origin(pid)
    assert done["pull_request"]["merge_sha"] == git(origin, "rev-parse", "main").strip()
    assert git(origin, "show", "main:.mcc/specs/1.md") == "# Survive\n\nTen kills.\n"
    # Same result, nothing twice.
    subjects = git(origin, "log", "--format=%s", "main").splitlines()
    assert subjects.count("Spec: .mcc/specs/1.md") == 1
    assert sum(1 for s in subjects if s.startswith("Merge pull request #1")) == 1
    bodies = [json.dumps(r.body["messages"]) for r in api._llm.chat_requests]
    assert len(bodies) == len(set(bodies)), "an LLM step was asked twice"
    async with api._mcc.runtime.db.sessions() as session:
        pulls = await session.scalar(select(func.count()).select_from(PullRequest))
        answers = await session.scalar(
            select(func.count()).select_from(Message).where(Message.role == "assistant")
        )
    assert pulls == 1
    assert answers == len(bodies)
