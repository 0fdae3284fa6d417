"""A budget hit mid-run blocks the issue (budget_blocked) and the run resumes where
it stopped once the limit is raised; an emergency pause holds it the same way; raising the
limit or lifting the pause lets the run go on at once."""

from __future__ import annotations

import threading
import uuid

from tests.support.repos import make_repo
from tests.support.waiting import eventually, wait_for_phase


async def _phase_seen(api, pid: int, phase: str, seen: set[str]):
    issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    seen.add(issue["phase"])
    return issue if issue["phase"] == phase else None


async def test_a_budget_hit_blocks_the_run_until_the_limit_is_raised(api, company, tmp_path):
    # One call's worst case is about 0.01 USD at test/model's prices: this limit
    # admits the first few calls and refuses one mid-run.
    limit = await api.post("/api/budget/limits", json={"scope": "global", "daily_usd": 0.0125})
    assert limit.status_code == 201, limit.text
    repo = make_repo(tmp_path / "src")
    name = f"Budget {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Costly", "body": "x"})

    seen: set[str] = set()
    blocked = await eventually(
        lambda: _phase_seen(api, pid, "budget_blocked", seen), 60, "the budget to block the run"
    )
    assert blocked["state"] == "open"
    asked_while_blocked = len(api._llm.chat_requests)

    raised = await api.patch(f"/api/budget/limits/{limit.json()['id']}", json={"daily_usd": 10})
    assert raised.status_code == 200, raised.text
    # The raise reaches the held run: it goes on now, not at its next retry (15 s later).
    await eventually(
        lambda: _moved_on(api, pid, "budget_blocked"), 5, "the issue to leave budget_blocked"
    )
    issue = await wait_for_phase(api, pid, 1, "awaiting_approval", 90)
    assert len(api._llm.chat_requests) > asked_while_blocked
    assert issue["cost_usd"] <= 10
    summary = (await api.get("/api/budget/summary")).json()
    assert summary, summary


async def test_an_emergency_pause_holds_every_run_and_resume_continues_it(api, company, tmp_path):
    # The architect's first answer, once the pause is lifted, is held: the issue leaves
    # `paused` as the run goes on, not when its step is through.
    architect = company.held["architect"] = threading.Event()
    repo = make_repo(tmp_path / "src")
    name = f"Pause {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    assert (await api.post("/api/system/pause")).status_code == 200
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Held", "body": "x"})

    seen: set[str] = set()
    await eventually(lambda: _phase_seen(api, pid, "paused", seen), 60, "the run to pause")
    assert len(api._llm.chat_requests) == 0

    assert (await api.post("/api/system/resume")).status_code == 200
    # The resume reaches the held run: it goes on now, not at its next retry (15 s later).
    await eventually(lambda: _moved_on(api, pid, "paused"), 5, "the issue to leave paused")
    await eventually(lambda: _asked(api), 5, "the architect's step after the resume")
    architect.set()
    await wait_for_phase(api, pid, 1, "awaiting_approval", 90)


async def _asked(api) -> bool:
    return len(api._llm.chat_requests) > 0


async def _moved_on(api, pid: int, held: str) -> bool:
    return (await api.get(f"/api/projects/{pid}/issues/1")).json()["phase"] != held
