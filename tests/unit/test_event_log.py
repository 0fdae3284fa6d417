"""The per-room event log: numbers, replay after a position, resync when it is too old."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mcc.event_log import EventLog, MemoryEventLog, RedisEventLog
from mcc.event_payloads import checked
from mcc.events import RecordedEvents


@pytest.fixture(params=["memory", "redis"])
async def log(request: pytest.FixtureRequest, redis_url: str):  # type: ignore[no-untyped-def]
    if request.param == "memory":
        yield MemoryEventLog(capacity=5)
        return
    shared = RedisEventLog(redis_url, capacity=5)
    yield shared
    await shared.aclose()


async def _fill(log: EventLog, room: str, n: int) -> str:
    epoch = ""
    for i in range(1, n + 1):
        head = await log.append(room, "notification", {"n": i, "payload": {}})
        assert head.seq == i
        epoch = head.epoch
    return epoch


async def test_rooms_are_numbered_apart_and_replay_what_came_after_a_position(log: EventLog):
    epoch = await _fill(log, "project:1", 4)
    await _fill(log, "project:2", 2)

    missed = await log.since("project:1", epoch, 2)
    assert not missed.resync
    assert [(e.seq, e.data["n"]) for e in missed.events] == [(3, 3), (4, 4)]
    assert missed.events[0].data["payload"] == {}  # an empty object stays an object
    assert (await log.since("project:1", epoch, 4)).events == []
    assert (await log.head("project:2")).seq == 2


async def test_a_position_older_than_the_buffer_or_from_another_epoch_gets_resync(log: EventLog):
    epoch = await _fill(log, "conversation:9", 8)  # capacity 5: 4..8 kept

    assert (await log.since("conversation:9", epoch, 3)).events[0].seq == 4
    too_old = await log.since("conversation:9", epoch, 2)
    assert too_old.resync and too_old.events == [] and too_old.head.seq == 8
    assert (await log.since("conversation:9", "an-earlier-epoch", 7)).resync
    assert (await log.since("conversation:9", epoch, 9)).resync  # ahead of the log: not ours


async def test_a_client_that_saw_nothing_gets_the_room_from_its_start_while_kept(log: EventLog):
    await _fill(log, "user:1", 3)
    assert [e.seq for e in (await log.since("user:1", "", 0)).events] == [1, 2, 3]


async def test_an_event_that_drifts_from_its_model_fails_where_it_is_emitted():
    events = RecordedEvents()
    progress = {
        "task_id": "issue/demo/1",
        "percent": 10,
        "status": "planning",
        "project_id": 1,
        "issue_number": 1,
    }
    await events.emit("task_progress", progress, "project:1")
    assert checked("task_progress", progress) == progress  # unset optional fields stay absent
    with pytest.raises(ValidationError):
        await events.emit("task_progress", {**progress, "status": "thinking"}, "project:1")
    with pytest.raises(ValidationError):
        await events.emit("task_progress", {**progress, "surprise": 1}, "project:1")


def test_the_event_payloads_are_published_with_the_api_schema_and_phase_is_an_enum():
    from api.app import create_app
    from api.temporal_link import TemporalLink
    from mcc.config import Settings
    from mcc.phases import Phase
    from mcc.runtime import Runtime

    settings = Settings(database_url="sqlite+aiosqlite://")
    schemas = create_app(Runtime.build(settings), TemporalLink(settings)).openapi()["components"][
        "schemas"
    ]
    status = schemas["TaskProgressEvent"]["properties"]["status"]
    assert status == {"$ref": "#/components/schemas/Phase"}
    assert schemas["Phase"]["enum"] == [phase.value for phase in Phase]
    assert {"AgentStatusEvent", "MessageEvent", "NotificationEvent", "RoomCatchUp"} <= set(schemas)
    assert "agent" not in schemas["TaskProgressEvent"]["required"]
