"""A decision claimed in the database but never signalled (the process died in between)
still reaches the run: the next attempt on the round sends it again, from the dashboard,
a GitHub review or a Telegram press, and so does MCC's start-up; the run merges once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from api import runs
from api.forge_decisions import decide_from_forge
from api.server import MccServer
from api.telegram import RunDecisions
from mcc.config import Settings
from mcc.decisions import claim_decision, decision_on
from mcc.errors import Conflict
from mcc.issues import get_issue
from mcc.notifications.notification import Decision as AskedDecision
from tests.conftest import free_port
from tests.support.decisions import decide
from tests.support.repos import git, registered_project
from tests.support.waiting import wait_for_phase


async def _claimed_but_not_signalled(
    api: httpx.AsyncClient, mcc: MccServer, tmp_path: Path
) -> tuple[int, dict, str]:
    """An issue whose round 1 is approved in the database, as by a process that died
    before its signal left: the run still waits. Returns the project, what was shown,
    and main's commit before."""
    project = await registered_project(api, tmp_path, f"Redeliver {uuid.uuid4().hex[:8]}")
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Say hi."})
    shown = await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    main_before = git(mcc.runtime.repos.origin(pid), "rev-parse", "main").strip()
    async with mcc.runtime.db.sessions() as session:
        issue = await get_issue(session, pid, 1)
        await claim_decision(session, issue.id, "approve", 1, shown["head"])
        await asyncio.sleep(1.0)  # time a signal would have needed to land
        await session.refresh(issue)
        live = await runs.issue_status(mcc.temporal.client, issue)
    assert live is not None and live.phase == "awaiting_approval" and live.round == 1
    return pid, shown, main_before


async def _merged_once(api: httpx.AsyncClient, mcc: MccServer, pid: int, main_before: str) -> None:
    done = await wait_for_phase(api, pid, 1, "done", 60)
    origin = mcc.runtime.repos.origin(pid)
    main = git(origin, "rev-parse", "main").strip()
    assert done["pull_request"]["merge_sha"] == main
    assert (
        git(origin, "rev-list", "--first-parent", "--count", f"{main_before}..main").strip() == "1"
    )
    assert done["decision"]["kind"] == "approve" and done["rejections"] == 0
    async with mcc.runtime.db.sessions() as session:
        issue = await get_issue(session, pid, 1)
        stored = await decision_on(session, issue.id, 1)
    assert stored is not None and stored.signalled_at is not None


@pytest.mark.parametrize("path", ["dashboard", "github_review", "telegram_press"])
async def test_the_next_attempt_on_a_round_delivers_its_unsignalled_decision_and_still_loses(
    api, mcc, company, tmp_path, path
):
    pid, shown, main_before = await _claimed_but_not_signalled(api, mcc, tmp_path)

    if path == "dashboard":
        late = await decide(api, pid, 1, "reject", feedback="too late")
        assert late.status_code == 409
        assert late.json()["error"]["code"] == "decision_taken"
        assert late.json()["error"]["message"].startswith("round 1 was already decided: approve")
    elif path == "github_review":
        async with mcc.runtime.db.sessions() as session:
            issue_id = (await get_issue(session, pid, 1)).id
        refused = await decide_from_forge(
            mcc.temporal.client, mcc.runtime.db, issue_id, False, "too late", shown["head"]
        )
        assert refused == "the run is not waiting for a decision"
    else:
        press = RunDecisions(mcc.runtime, mcc.temporal)
        asked = AskedDecision(pid, 1, round=1, head=shown["head"])
        with pytest.raises(Conflict):  # the bot answers "already decided"
            await press(api._user_id, asked, approve=False)

    await _merged_once(api, mcc, pid, main_before)


async def test_start_up_delivers_a_decision_a_stopped_process_claimed_but_never_signalled(
    api, mcc, company, tmp_path, settings: Settings
):
    pid, _, main_before = await _claimed_but_not_signalled(api, mcc, tmp_path)

    restarted = MccServer(settings, api=False, worker=False)  # a restarted process
    await restarted.start()
    await restarted.stop()

    await _merged_once(api, mcc, pid, main_before)


async def test_a_signal_that_cannot_leave_withdraws_the_claim_and_the_round_can_be_decided_again(
    api, mcc, company, tmp_path
):
    project = await registered_project(api, tmp_path, f"Unreachable {uuid.uuid4().hex[:8]}")
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Say hi."})
    await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    main_before = git(mcc.runtime.repos.origin(pid), "rev-parse", "main").strip()

    reachable = mcc.temporal._client
    mcc.temporal._client = await Client.connect(f"127.0.0.1:{free_port()}", lazy=True)
    try:
        refused = await decide(api, pid, 1, "approve")
    finally:
        mcc.temporal._client = reachable
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["message"].startswith("the decision could not reach the run")
    issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    assert (issue["phase"], issue["round"], issue["decision"]) == ("awaiting_approval", 1, None)

    again = await decide(api, pid, 1, "approve")
    assert again.status_code == 202, again.text
    await _merged_once(api, mcc, pid, main_before)
