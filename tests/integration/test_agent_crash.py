"""A worker killed after an LLM answer was stored but before its activity reported:
the run completes after a restart, and no step's request reached the LLM twice."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from mcc.agents import steps
from mcc.agents.steps import AgentSteps, RunScope
from mcc.conversations import open_conversation
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


class _DiedHere(Exception):
    """Stands for the process dying at this point (what was committed stays)."""


async def test_a_run_that_died_between_its_prompt_and_its_task_starts_again_with_both(
    api, mcc, tmp_path, monkeypatch
):
    # A worker killed inside a run's first activity, after its prompt was stored and
    # before its task was: the restarted run must still give the model its task.
    repo = make_repo(tmp_path / "src")
    project = (
        await api.post("/api/projects", json={"name": "Died", "repo_path": str(repo)})
    ).json()
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    coder = next(a for a in agents if a["name"] == "coder_1")
    async with mcc.runtime.db.sessions() as session:
        conversation = await open_conversation(
            session, project_id=project["id"], agent_id=coder["id"], kind="task", title="Fix it"
        )
    scope = RunScope("run-died", project["id"], coder["id"], conversation.id, "fix", "main")

    stored = steps.post_message

    async def dies_before_the_task(session, events, new, **options):
        if new.idempotency_key == "run-died/task":
            raise _DiedHere
        return await stored(session, events, new, **options)

    monkeypatch.setattr(steps, "post_message", dies_before_the_task)
    with pytest.raises(_DiedHere):
        await AgentSteps(mcc.runtime).start(scope, "Fix the greeting.", "Fix it")
    monkeypatch.setattr(steps, "post_message", stored)
    await AgentSteps(mcc.runtime).start(scope, "Fix the greeting.", "Fix it")  # the retry
    await AgentSteps(mcc.runtime).start(scope, "Fix the greeting.", "Fix it")  # and another

    messages = (await api.get(f"/api/conversations/{conversation.id}/messages")).json()
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[1]["content"] == "Fix the greeting."
