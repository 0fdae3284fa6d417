"""An agent created, edited or deleted in one tab reaches the project's other tabs as events."""

from __future__ import annotations

import uuid

import httpx

from api.server import MccServer
from tests.support.realtime_tab import Tab
from tests.support.repos import make_repo
from tests.support.waiting import eventually


async def test_agents_created_changed_and_deleted_reach_the_projects_other_tabs(
    api: httpx.AsyncClient, mcc: MccServer, tmp_path
):
    repo = make_repo(tmp_path / "src")
    name = f"Agents {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    tab = Tab(api.headers["Authorization"].removeprefix("Bearer "))
    await tab.connect(f"http://127.0.0.1:{mcc.port}")
    await tab.join("join_project", {"project_id": pid})
    room = f"project:{pid}"
    try:
        created = await api.post(
            "/api/agents", json={"project_id": pid, "name": "coder_9", "role": "coder"}
        )
        assert created.status_code == 201, created.text
        agent = created.json()
        changed = (
            await api.patch(f"/api/agents/{agent['id']}", json={"model": "test/pricey"})
        ).json()
        assert (await api.delete(f"/api/agents/{agent['id']}")).status_code == 204
        await eventually(lambda: _now(len(tab.in_room(room)) == 3), 10, "three agent events")
    finally:
        await tab.drop()

    events = tab.in_room(room)
    assert [event for event, _ in events] == ["agent", "agent", "agent_removed"]
    strip = {"room", "epoch", "seq"}
    assert {k: v for k, v in events[0][1].items() if k not in strip} == agent
    assert {k: v for k, v in events[1][1].items() if k not in strip} == changed
    assert changed["model"] == "test/pricey"
    assert {k: v for k, v in events[2][1].items() if k not in strip} == {
        "agent_id": agent["id"],
        "project_id": pid,
    }
    assert tab.seqs(room) == [1, 2, 3]


async def _now(value: bool) -> bool:
    return value
