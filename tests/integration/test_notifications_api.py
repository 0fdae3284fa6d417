"""The notification center over REST, and Telegram's Approve button on a real run: MCC
with its worker (which long-polls a fake Bot API), the Temporal dev server, a scripted LLM."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from api.server import MccServer
from mcc.config import Settings
from mcc.notifications import Kind, Notification
from tests.conftest import login_new_user
from tests.fakes.llm_server import ScriptedLLMServer
from tests.fakes.telegram_server import FakeTelegram, telegram_server
from tests.support.http import local_client
from tests.support.repos import make_repo
from tests.support.settings import local_settings
from tests.support.waiting import eventually, wait_for_phase

CHAT = 555123


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with telegram_server() as fake:
        yield fake


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    temporal_address: str,
    llm: ScriptedLLMServer,
    telegram: FakeTelegram,
) -> Settings:
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-notify",
        llm_base_url=llm.base_url,
        telegram_api_url=telegram.api_url,
        telegram_bot_token=telegram.token,
        telegram_poll_seconds=1,
        telegram_per_chat_interval_s=0.05,
    )


async def _notify(mcc: MccServer, owner_id: int, key: str, title: str) -> None:
    await mcc.runtime.notifications.notify(owner_id, Notification(Kind.MERGED, key, title))


async def test_the_bell_lists_newest_first_and_marks_read(api: httpx.AsyncClient, mcc: MccServer):
    owner = api._user_id  # type: ignore[attr-defined]
    for n in range(3):
        await _notify(mcc, owner, f"merged:{n}", f"#{n} was merged")
    listed = (await api.get("/api/notifications")).json()
    assert [item["title"] for item in listed["items"]] == [
        "#2 was merged",
        "#1 was merged",
        "#0 was merged",
    ]
    assert listed["unread"] == 3
    first = listed["items"][0]
    assert first["read_at"] is None and first["kind"] == "merged" and first["urgent"] is False

    read = await api.post(f"/api/notifications/{first['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert (await api.get("/api/notifications")).json()["unread"] == 2
    assert (await api.post("/api/notifications/read-all")).json() == {"marked": 2}
    assert (await api.get("/api/notifications")).json()["unread"] == 0

    async with local_client(base_url=str(api.base_url)) as other:
        stranger = await login_new_user(other, mcc, "stranger@example.com")
        await _notify(mcc, stranger["id"], "merged:s", "theirs")
        theirs = (await other.get("/api/notifications")).json()["items"][0]["id"]
        assert [i["title"] for i in (await other.get("/api/notifications")).json()["items"]] == [
            "theirs"
        ]
    response = await api.post(f"/api/notifications/{theirs}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_marking_read_tells_the_owners_other_tabs(api: httpx.AsyncClient, mcc: MccServer):
    import socketio

    owner = api._user_id  # type: ignore[attr-defined]
    for n in range(3):
        await _notify(mcc, owner, f"merged:{n}", f"#{n} was merged")
    first = (await api.get("/api/notifications")).json()["items"][0]
    told: list[dict] = []
    sock = socketio.AsyncClient()  # another tab of the same person
    sock.on("notifications_read", told.append)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await sock.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        await api.post(f"/api/notifications/{first['id']}/read")
        await api.post("/api/notifications/read-all")
        await api.post("/api/notifications/read-all")  # nothing left unread: no news

        async def both_told() -> bool:
            return len(told) >= 2

        await eventually(both_told, 10, "two notifications_read events")
    finally:
        await sock.disconnect()
    assert [(e["ids"], e["unread"]) for e in told] == [([first["id"]], 2), (None, 0)]
    items = (await api.get("/api/notifications")).json()["items"]
    # The time stored, to the microsecond.
    assert datetime.fromisoformat(told[1]["read_at"]) == datetime.fromisoformat(items[1]["read_at"])


async def test_an_approve_press_merges_and_a_second_press_is_already_decided(
    api: httpx.AsyncClient, mcc: MccServer, company, telegram: FakeTelegram, tmp_path: Path
):
    state = (await api.get("/api/notifications/telegram")).json()
    assert state == {
        "bot_configured": True,
        "token_source": "environment",
        "problem": None,
        "link": None,
    }
    code = (await api.post("/api/notifications/telegram/link-code")).json()
    telegram.user_says(CHAT, code["command"])

    async def linked() -> dict | None:
        link = (await api.get("/api/notifications/telegram")).json()["link"]
        return link if link and link["state"] == "linked" else None

    await eventually(linked, 20, "the chat to be linked")

    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Phone {uuid.uuid4().hex[:8]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet <people>", "body": "Hi."})
    await wait_for_phase(api, pid, 1, "awaiting_approval", 90)

    async def approval_message():
        return next((m for m in telegram.messages_to(CHAT) if m.reply_markup), None)

    message = await eventually(approval_message, 20, "the approval message")
    assert "Greet &lt;people&gt; is ready to merge" in message.text
    assert "file" in message.text and "cost so far $" in message.text
    approve = message.reply_markup["inline_keyboard"][0][0]["callback_data"]

    first = telegram.press(CHAT, message.message_id, approve)
    await wait_for_phase(api, pid, 1, "done", 90)
    assert telegram.answer_to(first) == "Approved: merging."
    second = telegram.press(CHAT, message.message_id, approve)

    async def answered() -> str | None:
        return telegram.answer_to(second)

    assert await eventually(answered, 20, "the second press's answer") == "Already decided."

    async def merged_told():
        return [m for m in telegram.messages_to(CHAT) if "was merged" in m.text]

    assert len(await eventually(merged_told, 20, "the merged message")) == 1
    kinds = [i["kind"] for i in (await api.get("/api/notifications")).json()["items"]]
    assert kinds.count("approval_needed") == 1 and kinds.count("merged") == 1


async def test_pausing_by_hand_is_told_once_per_change(api: httpx.AsyncClient, mcc: MccServer):
    import socketio

    sock = socketio.AsyncClient()
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await sock.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        paused = await sock.call("emergency_pause", {"reason": "too fast"})
        assert paused["ok"] is True and paused["paused"] is True
    finally:
        await sock.disconnect()
    await api.post("/api/system/pause", json={"reason": "again"})  # already on: no news
    await api.post("/api/system/resume")
    await api.post("/api/system/resume")  # already off: no news

    items = (await api.get("/api/notifications")).json()["items"]
    assert [(i["kind"], i["title"]) for i in items] == [
        ("emergency_pause", "Emergency pause lifted: agents continue"),
        ("emergency_pause", "Emergency pause is on: agents stop at their next step"),
    ]
    assert items[1]["message"] == "too fast"
