"""The `/agents` page's API: every agent across projects with why it is in its status and
what it spent today; create with a budget share that must fit; delete only when idle."""

from __future__ import annotations

import asyncio
import threading
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from api.server import MccServer
from mcc.budget.day import budget_day
from mcc.budget.levels import level_key
from mcc.db.base import utcnow
from mcc.models.agent import Agent
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.conversation import Conversation
from mcc.models.token_usage import TokenUsage
from tests.conftest import login_new_user
from tests.fakes.llm_server import ScriptedLLMServer
from tests.support.company import Company, answer_forever, read
from tests.support.http import local_client
from tests.support.repos import registered_project
from tests.support.waiting import wait_for_phase


async def _project(api: httpx.AsyncClient, tmp_path: Path, prefix: str) -> int:
    project = await registered_project(api, tmp_path, f"{prefix} {uuid.uuid4().hex[:6]}")
    return int(project["id"])


async def test_every_agent_of_every_project_is_listed_with_its_spend_and_status_reason(
    api: httpx.AsyncClient, mcc: MccServer, tmp_path: Path
):
    first = await _project(api, tmp_path, "One")
    second = await _project(api, tmp_path, "Two")
    agents = {(a["project_id"], a["name"]): a for a in (await api.get("/api/agents")).json()}
    coder, tester = agents[(first, "coder_1")], agents[(second, "tester")]
    today = budget_day(utcnow(), mcc.runtime.settings.budget_timezone)
    async with mcc.runtime.db.sessions() as session:
        session.add(
            TokenUsage(
                owner_id=api._user_id,  # type: ignore[attr-defined]
                day=today,
                project_id=first,
                agent_name="coder_1",
                agent_type="coder",
                model="m",
                tokens_in=10,
                tokens_out=5,
                cost_usd=Decimal("0.045"),
                cost_source="tokens",
                conversation_id=None,
                task_id=None,
                idempotency_key=f"test/{uuid.uuid4().hex}",
            )
        )
        session.add(
            Conversation(
                project_id=second,
                agent_id=tester["id"],
                title="Run the tests",
                status="finished",
                outcome="failed",
                summary="The test command is missing.\nMore detail.",
            )
        )
        row = await session.get(Agent, tester["id"])
        assert row is not None
        row.status = "error"
        await session.commit()

    listed = {(a["project_id"], a["name"]): a for a in (await api.get("/api/agents")).json()}
    assert {pid for pid, _ in listed} >= {first, second}
    assert listed[(first, "coder_1")]["spent_today_usd"] == 0.045
    assert listed[(first, "coder_1")]["status_reason"] is None
    assert listed[(first, "coder_2")]["spent_today_usd"] == 0
    assert (
        listed[(second, "tester")]["status_reason"]
        == "Its last run failed: The test command is missing."
    )
    one = (await api.get(f"/api/agents/{coder['id']}")).json()
    assert one["spent_today_usd"] == 0.045

    async with local_client(base_url=str(api.base_url)) as other:
        await login_new_user(other, mcc, f"other-{uuid.uuid4().hex[:6]}@example.com")
        theirs = (await other.get("/api/agents")).json()
    assert not {a["project_id"] for a in theirs} & {first, second}


async def test_a_share_that_would_pass_100_percent_creates_no_agent(
    api: httpx.AsyncClient, tmp_path: Path
):
    pid = await _project(api, tmp_path, "Shares")
    created = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "coder_3", "role": "coder", "budget_share_pct": 60},
    )
    assert created.status_code == 201, created.text
    assert created.json()["budget_share_pct"] == 60

    refused = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "coder_4", "role": "coder", "budget_share_pct": 50},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == {
        "code": "budget_shares_exceeded",
        "message": "The other agents of this project already have 60% of its budget, "
        "so this share can be at most 40%.",
    }
    names = [a["name"] for a in (await api.get("/api/agents", params={"project_id": pid})).json()]
    assert "coder_4" not in names

    fits = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "coder_4", "role": "coder", "budget_share_pct": 40},
    )
    assert fits.status_code == 201, fits.text


async def test_a_working_agent_cannot_be_deleted_and_a_deleted_agents_share_is_freed(
    api: httpx.AsyncClient, mcc: MccServer, tmp_path: Path
):
    pid = await _project(api, tmp_path, "Delete")
    agent = (
        await api.post(
            "/api/agents",
            json={"project_id": pid, "name": "helper", "role": "coder", "budget_share_pct": 100},
        )
    ).json()
    async with mcc.runtime.db.sessions() as session:
        row = await session.get(Agent, agent["id"])
        assert row is not None
        row.status, row.current_task = "working", "Fix the login page"
        await session.commit()

    refused = await api.delete(f"/api/agents/{agent['id']}")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "helper is working on Fix the login page; cancel that run first"
    )
    listed = (await api.get(f"/api/agents/{agent['id']}")).json()
    assert listed["status_reason"] == "Working on: Fix the login page"

    async with mcc.runtime.db.sessions() as session:
        row = await session.get(Agent, agent["id"])
        assert row is not None
        row.status, row.current_task = "idle", None
        await session.commit()
    assert (await api.delete(f"/api/agents/{agent['id']}")).status_code == 204

    again = await api.post(
        "/api/agents", json={"project_id": pid, "name": "helper", "role": "coder"}
    )
    assert again.status_code == 201, again.text
    assert again.json()["budget_share_pct"] is None  # the old share went with the agent
    whole = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "other", "role": "coder", "budget_share_pct": 100},
    )
    assert whole.status_code == 201, whole.text


async def test_an_agent_that_cannot_spend_today_says_why(
    api: httpx.AsyncClient, mcc: MccServer, tmp_path: Path
):
    pid = await _project(api, tmp_path, "Held")
    saved = await api.post("/api/budget/limits", json={"scope": "global", "daily_usd": "5"})
    assert saved.status_code == 201, saved.text
    created = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "frugal", "role": "coder", "budget_share_pct": 10},
    )
    agent = created.json()
    today = budget_day(utcnow(), mcc.runtime.settings.budget_timezone)
    async with mcc.runtime.db.sessions() as session:
        session.add(
            BudgetLedger(
                owner_id=api._user_id,  # type: ignore[attr-defined]
                day=today,
                level_key=level_key("agent", pid, "frugal"),
                scope="agent",
                project_id=pid,
                agent_name="frugal",
                spent_usd=Decimal("0.5"),
                reserved_usd=Decimal(0),
            )
        )
        await session.commit()

    held = (await api.get(f"/api/agents/{agent['id']}")).json()
    assert held["status"] == "idle"
    assert held["status_reason"] == "Its share of today's budget is used up ($0.50 of $0.50)"
    others = (await api.get("/api/agents", params={"project_id": pid})).json()
    assert {a["name"]: a["status_reason"] for a in others}["coder_1"] is None

    paused = await api.post("/api/system/pause", json={"reason": "Checking the bill"})
    assert paused.status_code == 200, paused.text
    try:
        during = (await api.get("/api/agents", params={"project_id": pid})).json()
        assert {a["status_reason"] for a in during} == {
            "Held by the emergency pause: Checking the bill"
        }
    finally:
        await api.post("/api/system/resume")


async def test_an_agent_on_two_issues_stays_working_until_its_last_run_ends(
    api: httpx.AsyncClient, llm, tmp_path: Path
):
    company = Company()
    released = threading.Event()

    def second_waits(body: dict[str, Any]) -> Any:
        reply = company(body)
        if "Second plan" not in read(body).task:
            return reply

        async def when_released() -> Any:
            while not released.is_set():
                await asyncio.sleep(0.05)
            return reply

        return when_released()

    answer_forever(llm, second_waits)
    pid = await _project(api, tmp_path, "Twice")
    await api.post(f"/api/projects/{pid}/issues", json={"title": "First plan", "body": "x"})
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Second plan", "body": "y"})
    await wait_for_phase(api, pid, 1, "awaiting_approval", 60)

    # The architect's run on #1 has ended; its run on #2 is still live.
    agents = (await api.get("/api/agents", params={"project_id": pid})).json()
    architect = next(a for a in agents if a["name"] == "architect")
    released.set()  # (before asserting: a held answer would stall the server's shutdown)
    assert (architect["status"], architect["current_task"]) == ("working", "#2 Plan")

    await wait_for_phase(api, pid, 2, "awaiting_approval", 60)
    agents = (await api.get("/api/agents", params={"project_id": pid})).json()
    architect = next(a for a in agents if a["name"] == "architect")
    assert architect["status"] == "idle" and architect["current_task"] is None


async def test_a_model_without_a_price_is_refused_with_the_reason(
    api: httpx.AsyncClient, tmp_path: Path, llm: ScriptedLLMServer
):
    pid = await _project(api, tmp_path, "Priced")
    unpriced = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "helper", "role": "coder", "model": "test/unpriced"},
    )
    assert unpriced.status_code == 422, unpriced.text
    assert unpriced.json()["error"]["message"] == (
        "No price is known for model 'test/unpriced', so its calls cannot be budgeted:"
        " give it a price in USD per input and output token with the MCC_LLM_PRICE_OVERRIDES"
        """ setting (e.g. MCC_LLM_PRICE_OVERRIDES='{"test/unpriced": [1e-06, 2e-06]}')"""
        " and restart MCC, or choose a model your provider lists with a price."
    )
    # A name the provider does not list is a typo to fix, not a price to set.
    mistyped = await api.post(
        "/api/agents",
        json={"project_id": pid, "name": "helper", "role": "coder", "model": "test/pricy"},
    )
    assert mistyped.status_code == 422, mistyped.text
    assert mistyped.json()["error"]["message"] == (
        f"The provider at {llm.base_url} does not list a model 'test/pricy': check its name."
        " Did you mean 'test/pricey'?"
    )
    names = [a["name"] for a in (await api.get("/api/agents", params={"project_id": pid})).json()]
    assert "helper" not in names

    coder = next(
        a
        for a in (await api.get("/api/agents", params={"project_id": pid})).json()
        if a["name"] == "coder_1"
    )
    for change in ({"model": "test/unpriced"}, {"fallback_model": "not a model at all"}):
        patched = await api.patch(f"/api/agents/{coder['id']}", json=change)
        assert patched.status_code == 422, patched.text
    assert (await api.get(f"/api/agents/{coder['id']}")).json()["model"] == "test/model"
    ok = await api.patch(f"/api/agents/{coder['id']}", json={"model": "test/pricey"})
    assert ok.status_code == 200 and ok.json()["model"] == "test/pricey"


ORCHESTRATOR_REFUSED = (
    "The orchestrator is your own assistant (one per person, on the Orchestrator page), "
    "not a project's agent: give the agent the role architect, coder, tester or reviewer."
)


async def test_a_project_agent_cannot_be_given_the_orchestrators_role(
    api: httpx.AsyncClient, tmp_path: Path
):
    pid = await _project(api, tmp_path, "Roles")
    refused = await api.post(
        "/api/agents", json={"project_id": pid, "name": "assistant", "role": "orchestrator"}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["message"] == ORCHESTRATOR_REFUSED
    agents = (await api.get("/api/agents", params={"project_id": pid})).json()
    assert "assistant" not in [a["name"] for a in agents]

    coder = next(a for a in agents if a["name"] == "coder_1")
    made_orchestrator = await api.patch(f"/api/agents/{coder['id']}", json={"role": "orchestrator"})
    assert made_orchestrator.status_code == 422, made_orchestrator.text
    assert made_orchestrator.json()["error"]["message"] == ORCHESTRATOR_REFUSED
    # Nor any other change of role: a run's tools and peers follow from it.
    made_tester = await api.patch(f"/api/agents/{coder['id']}", json={"role": "tester"})
    assert made_tester.status_code == 422, made_tester.text
    assert made_tester.json()["error"]["message"] == (
        "An agent's role cannot be changed: add an agent with the role you want "
        "(architect, coder, tester or reviewer), then delete this one."
    )
    assert (await api.get(f"/api/agents/{coder['id']}")).json()["role"] == "coder"


async def test_an_agent_given_the_orchestrators_role_before_is_kept_says_why_and_never_runs(
    api: httpx.AsyncClient, mcc: MccServer, tmp_path: Path
):
    """Such an agent has only the assistant's tools (none works in a project) and no finish:
    every run would spend its whole step limit. It stays, with its history, until deleted."""
    pid = await _project(api, tmp_path, "Legacy")
    async with mcc.runtime.db.sessions() as session:
        legacy = Agent(
            project_id=pid,
            name="assistant",
            role="orchestrator",
            model="test/model",
            temperature=0.2,
            max_tokens=4096,
            rules="",
            status="idle",
        )
        session.add(legacy)
        await session.commit()
        agent_id = legacy.id
    why = (
        "assistant has the orchestrator's role, which belongs to your own assistant (the "
        "Orchestrator page), not to a project's agent, so it does not run: delete it and add"
        " an agent with the role architect, coder, tester or reviewer."
    )

    listed = (await api.get(f"/api/agents/{agent_id}")).json()
    assert (listed["role"], listed["status_reason"]) == ("orchestrator", why)

    task = await api.post(f"/api/agents/{agent_id}/runs", json={"task": "Tidy the README"})
    assert task.status_code == 422, task.text
    assert task.json()["error"]["message"] == why
    spoken_to = await api.post(f"/api/agents/{agent_id}/messages", json={"content": "Hello?"})
    assert spoken_to.status_code == 422, spoken_to.text
    assert spoken_to.json()["error"]["message"] == why
    async with mcc.runtime.db.sessions() as session:
        conversations = await session.scalars(
            select(Conversation).where(Conversation.agent_id == agent_id)
        )
        assert conversations.all() == []  # no run started, no message kept unread

    assert (await api.delete(f"/api/agents/{agent_id}")).status_code == 204
