"""A conversation says whether the person paused its run: in the pause's answer, once the run
has taken it in the REST item and the project's list, and live as a `conversation` event.
Its agent says it is held, not working, and that it is paused: on the agents page and in
`agent_status`."""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any

import socketio

from api.server import MccServer
from tests.fakes.llm_server import Reply
from tests.support.company import call
from tests.support.repos import make_repo
from tests.support.waiting import eventually


async def test_a_paused_run_shows_paused_on_its_conversation_and_agent_until_resumed(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    repo = make_repo(tmp_path / "src", None)
    name = f"Paused {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    coder = next(
        a
        for a in (await api.get("/api/agents", params={"project_id": pid})).json()
        if a["name"] == "coder_1"
    )
    # The first step is under way (its answer held) when the person pauses the run; the
    # last one is held too, so the run is still on its task when the resume is shown.
    asked, go, done = threading.Event(), threading.Event(), threading.Event()

    async def first_step(body: dict[str, Any]) -> Reply:
        asked.set()
        while not go.is_set():
            await asyncio.sleep(0.02)
        return call("list_files", path=".")

    async def last_step(body: dict[str, Any]) -> Reply:
        while not done.is_set():
            await asyncio.sleep(0.02)
        return call("finish", outcome="done", summary="looked")

    llm.script(first_step, last_step)
    events: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    sock = socketio.AsyncClient()
    sock.on("conversation", events.append)
    sock.on("agent_status", statuses.append)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await sock.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        assert (await sock.call("join_project", {"project_id": pid}))["ok"] is True
        run = (await api.post(f"/api/agents/{coder['id']}/runs", json={"task": "Look."})).json()
        cid = run["conversation_id"]
        await eventually(lambda: _true(asked.is_set()), 30, "the first step to start")
        assert (await api.get(f"/api/conversations/{cid}")).json()["paused"] is False

        paused = await api.post(f"/api/conversations/{cid}/pause")
        assert paused.status_code == 202 and paused.json()["paused"] is True
        await eventually(lambda: _paused(api, cid, True), 30, "the conversation to show the pause")
        listed = (await api.get(f"/api/projects/{pid}/conversations")).json()
        assert next(c for c in listed if c["id"] == cid)["paused"] is True
        await eventually(lambda: _shown(events, cid, True), 10, "a conversation event, paused")
        held = ("Paused (resume it in its conversation): Look.", True)
        await eventually(lambda: _told(statuses, held), 10, "an agent_status event, paused")
        assert await _glance(api, pid, coder["id"]) == held

        go.set()  # the first step ends; the run waits before its next one
        resumed = await api.post(f"/api/conversations/{cid}/resume")
        assert resumed.status_code == 202 and resumed.json()["paused"] is False
        await eventually(lambda: _shown(events, cid, False), 30, "a conversation event, resumed")
        working = ("Working on: Look.", False)
        await eventually(lambda: _told(statuses, held, working), 10, "working again")
        done.set()
        result = await temporal_client.get_workflow_handle(run["run_id"]).result()
    finally:
        go.set()
        done.set()
        await sock.disconnect()

    assert result["outcome"] == "done"
    ended = (await api.get(f"/api/conversations/{cid}")).json()
    assert ended["status"] == "finished" and ended["paused"] is False
    assert [e["paused"] for e in events if e["id"] == cid] == [True, False]


async def _true(value: bool) -> bool:
    return value


async def _paused(api, conversation_id: int, paused: bool) -> bool:
    return (await api.get(f"/api/conversations/{conversation_id}")).json()["paused"] is paused


async def _shown(events: list[dict[str, Any]], conversation_id: int, paused: bool) -> bool:
    return any(e["id"] == conversation_id and e["paused"] is paused for e in events)


async def _told(statuses: list[dict[str, Any]], *glances: tuple[str, bool]) -> bool:
    """Whether the agent_status events said these (reason, paused) in this order (the run
    may end, and say so, right after the last one)."""
    said = iter((s["reason"], s["paused"]) for s in statuses if s["status"] == "working")
    return all(any(glance == g for g in said) for glance in glances)


async def _glance(api, project_id: int, agent_id: int) -> tuple[str | None, bool]:
    """The agent's status reason and whether it is paused, as the agents list has them."""
    agents = (await api.get("/api/agents", params={"project_id": project_id})).json()
    agent = next(a for a in agents if a["id"] == agent_id)
    return agent["status_reason"], agent["paused"]
