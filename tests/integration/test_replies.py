"""A message can answer another one of its conversation: `reply_to` is stored and shown,
over REST and the socket alike."""

from __future__ import annotations

import uuid
from pathlib import Path

import socketio

from api.server import MccServer
from mcc.conversations import open_conversation
from tests.support.repos import make_repo


async def _conversations(api, mcc: MccServer, tmp_path: Path) -> tuple[int, int]:
    repo = make_repo(tmp_path / "src")
    name = f"Replies {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    async with mcc.runtime.db.sessions() as session:
        one = await open_conversation(
            session, project_id=pid, agent_id=None, kind="issue", title="one"
        )
        two = await open_conversation(
            session, project_id=pid, agent_id=None, kind="issue", title="two"
        )
        return one.id, two.id


async def test_a_reply_names_the_message_it_answers(api, mcc: MccServer, tmp_path: Path):
    cid, other = await _conversations(api, mcc, tmp_path)
    question = (
        await api.post(f"/api/conversations/{cid}/messages", json={"content": "Which DB?"})
    ).json()
    reply = await api.post(
        f"/api/conversations/{cid}/messages",
        json={"content": "PostgreSQL.", "reply_to": question["id"]},
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["reply_to"] == question["id"]
    listed = (await api.get(f"/api/conversations/{cid}/messages")).json()
    assert [(m["content"], m["reply_to"]) for m in listed] == [
        ("Which DB?", None),
        ("PostgreSQL.", question["id"]),
    ]

    elsewhere = await api.post(
        f"/api/conversations/{other}/messages",
        json={"content": "No.", "reply_to": question["id"]},
    )
    assert elsewhere.status_code == 422
    assert "reply_to" in elsewhere.json()["error"]["message"]

    sock = socketio.AsyncClient()
    received: list[dict] = []
    sock.on("message", lambda data: received.append(data))
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await sock.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        joined = await sock.call("join_conversation", {"conversation_id": cid})
        assert joined["ok"] is True
        sent = await sock.call(
            "send_message",
            {"conversation_id": cid, "content": "Over the socket", "reply_to": question["id"]},
        )
        assert sent["ok"] is True
        refused = await sock.call(
            "send_message", {"conversation_id": cid, "content": "x", "reply_to": 2**40}
        )
        assert refused == {"ok": False, "error": "reply_to must be a message of this conversation"}
    finally:
        await sock.disconnect()
    listed = (await api.get(f"/api/conversations/{cid}/messages")).json()
    assert listed[-1]["content"] == "Over the socket"
    assert listed[-1]["reply_to"] == question["id"]
    assert any(e.get("reply_to") == question["id"] for e in received)
