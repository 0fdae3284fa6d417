"""When an agent cannot go on, the issue waits in needs_attention with the error and a
notification, until the person retries (or cancels); project and agent settings."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import select

from mcc.models.notification import Notification
from tests.support.decisions import decide
from tests.support.repos import make_repo
from tests.support.waiting import eventually, wait_for_phase


async def _project(api, tmp_path) -> int:
    repo = make_repo(tmp_path / "src")
    name = f"Attention {uuid.uuid4().hex[:6]}"
    return (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]


async def test_a_failed_agent_needs_attention_then_retry_goes_on(api, company, tmp_path):
    pid = await _project(api, tmp_path)
    api._llm.unauthorized_next(1)  # the provider refuses the key once: not retryable
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Flaky", "body": "x"})

    issue = await wait_for_phase(api, pid, 1, "needs_attention", 60)
    assert "architect could not finish (needs_attention)" in issue["error"]
    async with api._mcc.runtime.db.sessions() as session:
        notes = (
            await session.scalars(
                select(Notification).where(Notification.kind == "needs_attention")
            )
        ).all()
    assert len(notes) == 1 and notes[0].payload["issue_number"] == 1
    refused = await decide(api, pid, 1, "reject", feedback="x")
    assert refused.status_code == 409

    # A refused key turned the emergency pause on by itself, saying why; the person lifts it.
    state = (await api.get("/api/system/state")).json()
    assert state["paused"] is True and "refused the API key" in state["reason"]
    assert (await api.post("/api/system/resume")).json()["paused"] is False
    assert (await api.post(f"/api/projects/{pid}/issues/1/retry")).status_code == 202
    issue = await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    assert issue["error"] is None
    again = await api.post(f"/api/projects/{pid}/issues/1/retry")
    assert again.status_code == 409


async def test_the_spec_waits_for_approval_when_the_project_asks_for_it(api, company, tmp_path):
    pid = await _project(api, tmp_path)
    updated = await api.patch(
        f"/api/projects/{pid}",
        json={"require_spec_approval": True, "test_command": "true"},
    )
    assert updated.json()["require_spec_approval"] is True
    assert updated.json()["test_command"] == "true"
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Gated", "body": "spec first"})

    issue = await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    assert issue["gate"] == "spec" and issue["spec"] == "# Gated\n\nspec first"
    assert issue["pull_request"] is None
    await decide(api, pid, 1, "approve")

    async def merge_gate():
        issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
        return issue if issue["gate"] == "merge" else None

    from tests.support.waiting import eventually

    issue = await eventually(merge_gate, 60, "the merge gate")
    assert issue["test_report"]["command"] == "true"
    assert issue["pull_request"]["state"] == "open"


async def test_an_agents_budget_share_is_part_of_the_budget_tree(api, tmp_path):
    pid = await _project(api, tmp_path)
    agents = {
        a["name"]: a for a in (await api.get("/api/agents", params={"project_id": pid})).json()
    }
    assert agents["coder_1"]["budget_share_pct"] is None
    ok = await api.patch(f"/api/agents/{agents['coder_1']['id']}", json={"budget_share_pct": 60})
    assert ok.status_code == 200 and ok.json()["budget_share_pct"] == 60
    too_much = await api.patch(
        f"/api/agents/{agents['coder_2']['id']}", json={"budget_share_pct": 50}
    )
    assert too_much.status_code == 422, too_much.text
    assert "can be at most 40%" in too_much.json()["error"]["message"]
    limits = (await api.get("/api/budget/limits")).json()
    assert any(row.get("agent_name") == "coder_1" for row in limits)


async def test_cancelling_while_an_agent_works_notifies_cancelled_only(api, company, tmp_path):
    pid = await _project(api, tmp_path)
    company.held["architect"] = released = threading.Event()
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Negate", "body": "x"})
    await wait_for_phase(api, pid, 1, "planning", 60)

    cancelled = await api.post(f"/api/projects/{pid}/issues/1/cancel")
    assert cancelled.status_code == 202, cancelled.text
    released.set()  # the architect's step ends; its run sees the cancel and stops

    async def notified() -> list[str] | None:
        async with api._mcc.runtime.db.sessions() as session:
            notes = (await session.scalars(select(Notification))).all()
        kinds = [n.kind for n in notes if n.payload.get("project_id") == pid]
        return kinds if "cancelled" in kinds else None

    # The person hears once that the issue was cancelled, and nothing needs them. (The
    # notification is stored before the phase: both are awaited.)
    issue = await wait_for_phase(api, pid, 1, "cancelled", 60)
    assert await eventually(notified, 60, "the cancelled notification") == ["cancelled"]
    assert issue["state"] == "closed" and issue["error"] is None
