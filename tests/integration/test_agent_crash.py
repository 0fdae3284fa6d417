"""A worker killed after an LLM answer was stored but before its activity reported:
the run completes after a restart, and no step's request reached the LLM twice."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from tests.integration.test_agent_run import BUGGY, FIX_SCRIPT
from tests.support.processes import kill_hard, mcc_env, start_mcc, stop
from tests.support.repos import make_repo
from tests.support.waiting import eventually


async def _exists(path):
    return path.exists()


@pytest.mark.external_worker
async def test_killed_between_llm_answer_and_report_the_run_completes_paying_each_step_once(
    api, llm, settings, tmp_path, temporal_client
):
    env = mcc_env(settings, MCC_LLM_BASE_URL=llm.base_url)
    marker = tmp_path / "answered"
    log = (tmp_path / "worker.log").open("ab")
    stalling = subprocess.Popen(
        [sys.executable, "-m", "tests.support.stalling_worker", "llm_step", "3", str(marker)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = None
    try:
        repo = make_repo(tmp_path / "src", BUGGY)
        name = f"Crash {uuid.uuid4().hex[:6]}"
        project = (
            await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
        ).json()
        agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
        coder = next(a for a in agents if a["name"] == "coder_1")
        llm.script(*FIX_SCRIPT)
        run = (await api.post(f"/api/agents/{coder['id']}/runs", json={"task": "Fix it."})).json()

        await eventually(lambda: _exists(marker), 60, "step 3's answer to be stored")
        kill_hard(stalling)
        worker = start_mcc("worker", env, tmp_path / "worker2.log")
        result = await temporal_client.get_workflow_handle(run["run_id"]).result()
    finally:
        if stalling.poll() is None:
            kill_hard(stalling)
        if worker is not None:
            stop(worker)

    assert result["outcome"] == "done"
    # Each step's request reached the LLM once: the stored answer of step 3 was reused.
    bodies = [json.dumps(r.body["messages"]) for r in llm.chat_requests]
    assert len(bodies) == len(FIX_SCRIPT) == len(set(bodies))
    messages = (await api.get(f"/api/conversations/{run['conversation_id']}/messages")).json()
    assert [m["role"] for m in messages][2:] == ["assistant", "tool"] * len(FIX_SCRIPT)
