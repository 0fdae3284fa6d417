"""A page can keep a project's conversation list from socket events alone: every run's
conversation is announced when it opens, and `agent_status` says which one ended and how."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import socketio

from api.server import MccServer
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_phase

FIELDS = ("id", "project_id", "agent_id", "kind", "title", "run_id", "status", "outcome")


async def test_the_conversation_list_built_from_events_matches_the_server(
    api, mcc: MccServer, company, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Events {uuid.uuid4().hex[:8]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    pid = project["id"]

    listed: dict[int, dict[str, Any]] = {}  # what a page shows, kept from events only
    statuses: list[dict[str, Any]] = []

    def on_conversation(event: dict[str, Any]) -> None:
        listed[event["id"]] = event

    def on_agent_status(event: dict[str, Any]) -> None:
        statuses.append(event)
        if event["status"] != "working":
            listed[event["conversation_id"]] |= {"status": "finished", "outcome": event["outcome"]}

    client = socketio.AsyncClient()
    client.on("conversation", on_conversation)
    client.on("agent_status", on_agent_status)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await client.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        assert (await client.call("join_project", {"project_id": pid}))["ok"] is True
        await api.post(f"/api/projects/{pid}/issues", json={"title": "Live", "body": "x"})
        await wait_for_phase(api, pid, 1, "awaiting_approval")
        server = (await api.get(f"/api/projects/{pid}/conversations")).json()
    finally:
        await client.disconnect()

    assert {c["kind"] for c in server} == {"issue", "task"}
    assert sorted(
        (tuple(c[f] for f in FIELDS) for c in listed.values()), key=lambda row: row[0]
    ) == sorted((tuple(c[f] for f in FIELDS) for c in server), key=lambda row: row[0])
    # Every status names its project and run conversation.
    assert all(e["project_id"] == pid and e["conversation_id"] in listed for e in statuses)
    assert {e["name"] for e in statuses} >= {"architect", "coder_1", "tester", "reviewer"}
    # And why, as the list of every agent shows it: the task while working, nothing when idle.
    assert all(
        e["reason"] == f"Working on: {e['current_task']}"
        for e in statuses
        if e["status"] == "working"
    )
    assert all(e["reason"] is None for e in statuses if e["status"] == "idle")
