"""A worker killed mid-run (kill -9) loses nothing: after a restart the run finishes."""

from __future__ import annotations

import uuid

import pytest

from api.server import MccServer
from tests.support.decisions import decide
from tests.support.processes import kill_hard, mcc_env, start_mcc, stop
from tests.support.repos import git, make_repo
from tests.support.waiting import wait_for_phase


@pytest.mark.external_worker
async def test_run_survives_worker_killed_mid_activity_and_while_waiting(
    settings, api, company, tmp_path
):
    # The API runs here without a worker; the worker is a separate process we can kill.
    mcc: MccServer = api._mcc  # set by the fixture below
    env = mcc_env(settings)
    log = tmp_path / "worker.log"
    worker = start_mcc("worker", env, log)
    try:
        repo = make_repo(tmp_path / "src")
        name = f"Crash {uuid.uuid4().hex[:6]}"
        project = (
            await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
        ).json()
        pid = project["id"]
        await api.post(f"/api/projects/{pid}/issues", json={"title": "Survive", "body": "ok"})
        # The worker is inside the architect's run: kill it there. (Git hooks no longer
        # run in MCC's repositories, so a hook cannot hold the spec commit any more.)
        await wait_for_phase(api, pid, 1, "planning", timeout_s=30)
        kill_hard(worker)
        worker = start_mcc("worker", env, log)

        await wait_for_phase(api, pid, 1, "awaiting_approval", timeout_s=60)
        # Kill it again while the run waits, and approve while no worker runs.
        kill_hard(worker)
        assert (await decide(api, pid, 1, "approve")).status_code == 202
        worker = start_mcc("worker", env, log)
        done = await wait_for_phase(api, pid, 1, "done", timeout_s=60)
    finally:
        stop(worker)

    origin = mcc.runtime.repos.origin(pid)
    assert done["pull_request"]["merge_sha"] == git(origin, "rev-parse", "main").strip()
    # One spec commit, however many attempts it took.
    commits = git(origin, "log", "--format=%s", "main").splitlines()
    assert commits.count("Spec: .mcc/specs/1.md") == 1
    assert sum(1 for c in commits if c.startswith("Merge pull request #1")) == 1
