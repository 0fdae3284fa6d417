"""A project registered or changed in one tab reaches the owner's other tabs as an event
(and nobody else's)."""

from __future__ import annotations

import uuid
from typing import Any

import socketio

from api.server import MccServer
from tests.conftest import login_new_user
from tests.support.http import local_client
from tests.support.repos import make_repo
from tests.support.waiting import eventually


async def _socket(mcc: MccServer, token: str, seen: list[dict[str, Any]]) -> socketio.AsyncClient:
    client = socketio.AsyncClient()
    client.on("project", lambda data: seen.append(data))
    await client.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    return client


async def test_a_new_or_changed_project_reaches_the_owners_other_tabs(
    api, mcc: MccServer, tmp_path
):

    mine: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    other = local_client(base_url=str(api.base_url))
    await login_new_user(other, mcc, "someone@example.com")
    tab = await _socket(mcc, api.headers["Authorization"].removeprefix("Bearer "), mine)
    stranger = await _socket(mcc, other.headers["Authorization"].removeprefix("Bearer "), theirs)
    try:
        repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
        name = f"Shared {uuid.uuid4().hex[:6]}"
        created = (
            await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
        ).json()
        await eventually(lambda: _now(len(mine) == 1), 10, "the project event")
        assert _payload(mine[0]) == created
        changed = (
            await api.patch(f"/api/projects/{created['id']}", json={"test_command": "pytest -q"})
        ).json()
        await eventually(lambda: _now(len(mine) == 2), 10, "the change event")
        assert _payload(mine[1]) == changed and mine[1]["test_command"] == "pytest -q"
        assert [event["seq"] for event in mine] == [1, 2]  # numbered in the owner's room
        assert theirs == []
    finally:
        await tab.disconnect()
        await stranger.disconnect()
        await other.aclose()


def _payload(event: dict[str, Any]) -> dict[str, Any]:
    """The event without its room, epoch and number."""
    return {k: v for k, v in event.items() if k not in {"room", "epoch", "seq"}}


async def _now(value: bool) -> bool:
    return value
