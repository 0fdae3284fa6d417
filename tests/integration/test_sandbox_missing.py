"""A missing sandbox is a state the person sees: health, and the run that needed it."""

from __future__ import annotations

import uuid

from api.server import MccServer
from mcc.agents.briefs import TaskKind
from tests.conftest import login_new_user
from tests.support.company import Rule, call, finish
from tests.support.http import local_client
from tests.support.repos import make_repo
from tests.support.waiting import eventually, wait_for_phase


async def test_without_bubblewrap_health_says_missing_and_the_run_needs_attention(
    settings, company, tmp_path
):
    company.rules.append(
        Rule(
            "coder",
            TaskKind.CODE,
            [call("run_command", command="python3 -m pytest"), finish("tested")],
        )
    )
    missing = settings.model_copy(update={"sandbox_bwrap": "/nonexistent/bwrap"})
    server = MccServer(missing, worker=True)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as api:
            await login_new_user(api, server, "owner@example.com")
            health = await api.get("/api/health")
            assert health.status_code == 200
            body = health.json()
            assert body["status"] == "ok" and body["sandbox"] == "missing"
            assert body["llm"] == "configured"  # the scripted server is local: no key needed
            assert any("apt-get install bubblewrap" in p for p in body["problems"])

            repo = make_repo(tmp_path / "src")
            # Both databases share one Temporal server: a name of its own keeps the run ids apart.
            name = f"No sandbox {uuid.uuid4().hex[:6]}"
            project = await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
            pid = project.json()["id"]
            await api.post(f"/api/projects/{pid}/issues", json={"title": "Run", "body": "x"})
            issue = await wait_for_phase(api, pid, 1, "needs_attention", 60)
            assert "coder_1 could not finish (needs_attention)" in issue["error"]
            assert "bubblewrap (/nonexistent/bwrap) was not found" in issue["error"]
    finally:
        await server.stop()


async def test_health_reports_a_ready_sandbox_and_an_llm_without_key(api, monkeypatch):
    async def worker_seen() -> dict | None:
        body = (await api.get("/api/health")).json()
        return body if body["worker"] == "ok" else None

    # Until its first poll reaches Temporal, a worker that just started is rightly not
    # seen: health says so among its problems, which this test is not about.
    body = await eventually(worker_seen, 30, "Temporal to see the worker poll")
    assert body["sandbox"] == "ready" and body["problems"] == []
    runtime = api._mcc.runtime
    remote = runtime.settings.model_copy(update={"llm_base_url": "https://llm.example.com/v1"})
    monkeypatch.setattr(runtime, "settings", remote)
    monkeypatch.delenv("MCC_LLM_API_KEY", raising=False)
    body = (await api.get("/api/health")).json()
    assert body["llm"] == "not_configured" and body["status"] == "ok"
    assert any("MCC_LLM_API_KEY" in problem for problem in body["problems"])
