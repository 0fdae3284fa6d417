"""The person's decisions: one per approval round, on the head it was shown, first wins."""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.support.decisions import decide
from tests.support.repos import git, make_repo
from tests.support.waiting import eventually, wait_for_phase


async def _issue_awaiting_approval(api: httpx.AsyncClient, tmp_path: Path) -> tuple[int, dict]:
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Decide {uuid.uuid4().hex[:8]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Say hi."})
    return pid, await wait_for_phase(api, pid, 1, "awaiting_approval", 60)


def _decide_all_at_once(api: httpx.AsyncClient, pid: int, shown: dict, n: int) -> list[dict]:
    """`n` threads post approve / reject (alternating) on the shown round, released together."""
    start = threading.Barrier(n)
    base = f"{str(api.base_url).rstrip('/')}/api/projects/{pid}/issues/1"
    headers = {"Authorization": api.headers["Authorization"]}

    def one(i: int) -> dict[str, Any]:
        kind = "approve" if i % 2 == 0 else "reject"
        body: dict[str, Any] = {"round": shown["round"], "head": shown["head"]}
        if kind == "reject":
            body["feedback"] = f"rejection {i}"
        with httpx.Client(headers=headers, timeout=30) as client:
            start.wait()
            response = client.post(f"{base}/{kind}", json=body)
        return {"kind": kind, "status": response.status_code, "body": response.json()}

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


async def test_twenty_concurrent_decisions_accept_exactly_one_and_the_run_follows_it(
    api, mcc, company, tmp_path
):
    pid, shown = await _issue_awaiting_approval(api, tmp_path)
    origin = mcc.runtime.repos.origin(pid)
    main_before = git(origin, "rev-parse", "main").strip()

    answers = await asyncio.to_thread(_decide_all_at_once, api, pid, shown, 20)

    accepted = [a for a in answers if a["status"] == 202]
    assert len(accepted) == 1, [(a["kind"], a["status"], a["body"]) for a in answers[:2]]
    winner = accepted[0]["kind"]
    refused = [a for a in answers if a["status"] != 202]
    assert {a["status"] for a in refused} == {409}
    for answer in refused:
        error = answer["body"]["error"]
        assert error["code"] == "decision_taken"
        assert error["message"].startswith(f"round 1 was already decided: {winner} at ")

    issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    if issue["round"] == 1:  # unless a rework has already come back with round 2
        assert issue["decision"]["kind"] == winner
        assert issue["phase"] != "awaiting_approval"
    if winner == "approve":
        done = await wait_for_phase(api, pid, 1, "done", 60)
        assert done["rejections"] == 0
        assert done["pull_request"]["merge_sha"] == git(origin, "rev-parse", "main").strip()
        assert done["pull_request"]["head_sha"] == shown["head"]
    else:

        async def back_for_round_two() -> dict | None:
            issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
            waiting = issue["phase"] == "awaiting_approval" and issue["round"] == 2
            return issue if waiting else None

        again = await eventually(back_for_round_two, 60, "the rework to come back")
        assert again["rejections"] == 1 and again["pull_request"]["state"] == "open"
        assert git(origin, "rev-parse", "main").strip() == main_before


async def test_a_decision_on_a_moved_head_or_another_round_changes_nothing(
    api, mcc, company, tmp_path
):
    pid, shown = await _issue_awaiting_approval(api, tmp_path)
    base = f"/api/projects/{pid}/issues/1"
    assert shown["round"] == 1 and len(shown["head"]) == 40

    moved = await api.post(f"{base}/approve", json={"round": 1, "head": "0" * 40})
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "head_moved"
    later = await api.post(f"{base}/reject", json={"round": 2, "head": shown["head"]})
    assert later.status_code == 409
    assert later.json()["error"] == {
        "code": "stale_round",
        "message": "round 2 is not the open round (1)",
    }
    missing = await api.post(f"{base}/approve", json={})
    assert missing.status_code == 422  # approve and reject must name what they decide on

    issue = (await api.get(base)).json()
    assert issue["phase"] == "awaiting_approval" and issue["decision"] is None
    assert (issue["round"], issue["head"]) == (1, shown["head"])
    approved = await decide(api, pid, 1, "approve")
    assert approved.status_code == 202, approved.text
    await wait_for_phase(api, pid, 1, "done", 60)
