"""The budget and system APIs of a running MCC, as a logged-in user sees them."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import socketio

from api.server import MccServer
from mcc.budget.day import budget_day
from mcc.budget.errors import SystemPaused
from mcc.db.base import utcnow
from mcc.llm import ChatMessage, LLMClient, ModelPrice, PriceBook
from mcc.llm.gateway import GatewayCall, LLMGateway
from mcc.models.agent import Agent
from mcc.models.project import Project
from tests.conftest import login_new_user
from tests.fakes.llm_server import Reply, scripted_llm_server
from tests.support.http import local_client

PRICES = PriceBook(
    overrides={
        model: ModelPrice(model=model, input_usd_per_token=0.0, output_usd_per_token=1e-3)
        for model in ("test/model", "test/other")
    }
)


async def _project(mcc: MccServer, owner_id: int, name: str) -> int:
    async with mcc.runtime.db.sessions() as session, session.begin():
        project = Project(
            name=name,
            slug=f"{name.lower()}-{owner_id}",
            repo_path=f"/srv/{name}",
            default_branch="main",
            owner_id=owner_id,
            issue_seq=0,
            pull_seq=0,
        )
        session.add(project)
        await session.flush()
        # The agents whose shares the tests set: a share needs an agent of that name.
        for name in ("coder_1", "coder_2"):
            session.add(Agent(project_id=project.id, name=name, role="coder", model="test/model"))
        return project.id


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


async def test_limits_can_be_set_changed_and_removed_level_by_level(api, mcc):
    pid = await _project(mcc, api._user_id, "App")
    assert (await api.get("/api/budget/limits")).json() == []

    glob = await api.post("/api/budget/limits", json={"scope": "global", "daily_usd": 20})
    project = await api.post(
        "/api/budget/limits", json={"scope": "project", "project_id": pid, "share_pct": 50}
    )
    agent = await api.post(
        "/api/budget/limits",
        json={"scope": "agent", "project_id": pid, "agent_name": "coder_1", "share_pct": "25"},
    )

    assert [r.status_code for r in (glob, project, agent)] == [201, 201, 201], agent.text
    assert glob.json()["limit_usd"] == 20 and glob.json()["share_pct"] is None
    assert project.json()["limit_usd"] == 10
    assert agent.json() | {"created_at": None, "updated_at": None} == {
        "id": agent.json()["id"],
        "scope": "agent",
        "project_id": pid,
        "agent_name": "coder_1",
        "daily_usd": None,
        "share_pct": 25.0,
        "limit_usd": 2.5,
        "created_at": None,
        "updated_at": None,
    }

    changed = await api.patch(f"/api/budget/limits/{project.json()['id']}", json={"share_pct": 40})
    assert changed.status_code == 200 and changed.json()["limit_usd"] == 8
    listed = {
        row["scope"]: row["limit_usd"] for row in (await api.get("/api/budget/limits")).json()
    }
    assert listed == {"global": 20, "project": 8, "agent": 2}

    again = await api.post("/api/budget/limits", json={"scope": "global", "daily_usd": 5})
    assert again.status_code == 409 and _error(again)["code"] == "conflict"
    assert (await api.delete(f"/api/budget/limits/{agent.json()['id']}")).status_code == 204
    assert [r["scope"] for r in (await api.get("/api/budget/limits")).json()] == [
        "global",
        "project",
    ]
    assert (await api.delete(f"/api/budget/limits/{agent.json()['id']}")).status_code == 404


INVALID_LIMITS = [
    ({"scope": "global", "daily_usd": -1}, "daily_usd"),
    ({"scope": "global", "daily_usd": "NaN"}, "daily_usd"),
    ({"scope": "global", "daily_usd": 5, "share_pct": 10}, "share_pct"),
    ({"scope": "project", "project_id": 1, "share_pct": 100.5}, "share_pct"),
    ({"scope": "project", "project_id": 1, "share_pct": -3}, "share_pct"),
    ({"scope": "agent", "project_id": 1, "agent_name": "a:b", "share_pct": 5}, "agent_name"),
    ({"scope": "team", "daily_usd": 5}, "scope"),
    ({"daily_usd": 5}, "request"),
]


async def test_an_invalid_limit_is_refused_with_a_422_naming_the_field(api):
    for body, where in INVALID_LIMITS:
        response = await api.post("/api/budget/limits", json=body)

        assert response.status_code == 422, (body, response.text)
        error = _error(response)
        assert error["code"] == "invalid_input"
        assert where in error["message"] or where == "request", (body, error)
    assert (await api.get("/api/budget/limits")).json() == []


async def test_shares_of_a_level_may_not_pass_100_percent(api, mcc):
    p1 = await _project(mcc, api._user_id, "One")
    p2 = await _project(mcc, api._user_id, "Two")
    first = await api.post(
        "/api/budget/limits", json={"scope": "project", "project_id": p1, "share_pct": 60}
    )
    assert first.status_code == 201

    too_much = await api.post(
        "/api/budget/limits", json={"scope": "project", "project_id": p2, "share_pct": 40.01}
    )
    exactly = await api.post(
        "/api/budget/limits", json={"scope": "project", "project_id": p2, "share_pct": 40}
    )
    agents = [
        await api.post(
            "/api/budget/limits",
            json={"scope": "agent", "project_id": p2, "agent_name": name, "share_pct": pct},
        )
        for name, pct in (("coder_1", 70), ("coder_2", 31))
    ]
    raised = await api.patch(f"/api/budget/limits/{exactly.json()['id']}", json={"share_pct": 41})
    wrong_kind = await api.patch(
        f"/api/budget/limits/{exactly.json()['id']}", json={"daily_usd": 4}
    )
    both = await api.patch(
        f"/api/budget/limits/{exactly.json()['id']}", json={"daily_usd": 4, "share_pct": 4}
    )

    assert too_much.status_code == 422
    assert _error(too_much) == {
        "code": "budget_shares_exceeded",
        "message": "the project shares of the global limit would total 100.01% (at most 100%): "
        "lower another share first",
    }
    assert exactly.status_code == 201
    assert [a.status_code for a in agents] == [201, 422]
    assert "project " + str(p2) in _error(agents[1])["message"]
    assert raised.status_code == 422 and _error(raised)["code"] == "budget_shares_exceeded"
    assert wrong_kind.status_code == 422 and "share_pct" in _error(wrong_kind)["message"]
    assert both.status_code == 422


async def test_a_share_for_an_agent_the_project_does_not_have_is_refused_naming_both(api, mcc):
    pid = await _project(mcc, api._user_id, "Shared")

    ghost = await api.post(
        "/api/budget/limits",
        json={"scope": "agent", "project_id": pid, "agent_name": "nonexistent", "share_pct": 10},
    )

    assert ghost.status_code == 422
    assert _error(ghost) == {
        "code": "invalid_input",
        "message": f"no agent named 'nonexistent' in project 'Shared' (id {pid}):"
        " create the agent first, or check the name",
    }
    assert (await api.get("/api/budget/limits")).json() == []
    real = await api.post(
        "/api/budget/limits",
        json={"scope": "agent", "project_id": pid, "agent_name": "coder_1", "share_pct": 100},
    )
    assert real.status_code == 201, real.text


async def test_another_users_projects_and_limits_stay_out_of_reach(api, mcc):
    async with local_client(base_url=str(api.base_url), timeout=30) as other:
        other_user = await login_new_user(other, mcc, "other@example.com")
        theirs = await _project(mcc, other_user["id"], "Theirs")
        their_limit = await other.post(
            "/api/budget/limits", json={"scope": "project", "project_id": theirs, "share_pct": 10}
        )
        assert their_limit.status_code == 201

        on_their_project = await api.post(
            "/api/budget/limits", json={"scope": "project", "project_id": theirs, "share_pct": 10}
        )
        assert on_their_project.status_code == 404
        assert _error(on_their_project) == {
            "code": "not_found",
            "message": f"project {theirs} not found",
        }
        assert (await api.get("/api/budget/limits")).json() == []
        limit_id = their_limit.json()["id"]
        assert (
            await api.patch(f"/api/budget/limits/{limit_id}", json={"share_pct": 1})
        ).status_code == 404
        assert (await api.delete(f"/api/budget/limits/{limit_id}")).status_code == 404
        assert [r["share_pct"] for r in (await other.get("/api/budget/limits")).json()] == [10]
        assert (await api.get("/api/budget/summary")).json()["levels"][0]["spent_usd"] == 0
    async with local_client(base_url=str(api.base_url)) as anonymous:
        assert (await anonymous.get("/api/budget/limits")).status_code == 401


async def test_the_summary_shows_todays_levels_and_spend_by_day_project_agent_and_model(api, mcc):
    uid = api._user_id
    app, site = await _project(mcc, uid, "App"), await _project(mcc, uid, "Site")
    await api.post("/api/budget/limits", json={"scope": "global", "daily_usd": 2})
    await api.post(
        "/api/budget/limits", json={"scope": "project", "project_id": app, "share_pct": 50}
    )
    runtime = mcc.runtime
    async with scripted_llm_server() as llm, LLMClient(base_url=llm.base_url) as client:
        gateway = LLMGateway(runtime.db, client, PRICES, runtime.events, runtime.settings)
        llm.script(*(Reply(content="ok", cost=c) for c in (0.25, 0.125, 0.5)))
        for key, project, agent, model in (
            ("a", app, "coder_1", "test/model"),
            ("b", app, "tester", "test/other"),
            ("c", site, "coder_1", "test/model"),
        ):
            await gateway.call(
                GatewayCall(
                    owner_id=uid,
                    project_id=project,
                    agent_name=agent,
                    agent_type=agent.split("_")[0],
                    model=model,
                    messages=[ChatMessage.user("hi")],
                    max_tokens=600,
                    idempotency_key=key,
                )
            )

    response = await api.get("/api/budget/summary")

    assert response.status_code == 200, response.text
    body = response.json()
    today = budget_day(utcnow(), runtime.settings.budget_timezone)
    assert (body["day"], body["end"], body["paused"]) == (
        today.isoformat(),
        today.isoformat(),
        False,
    )
    levels = {(lvl["scope"], lvl["project_id"], lvl["agent"]): lvl for lvl in body["levels"]}
    assert levels[("global", None, None)] | {"percent": None} == {
        "scope": "global",
        "project_id": None,
        "project_name": None,
        "agent": None,
        "spent_usd": 0.875,
        "reserved_usd": 0.0,
        "limit_usd": 2.0,
        "percent": None,
    }
    assert levels[("global", None, None)]["percent"] == pytest.approx(43.75)
    assert (
        levels[("project", app, None)]["spent_usd"],
        levels[("project", app, None)]["limit_usd"],
    ) == (0.375, 1.0)
    assert levels[("project", app, None)]["project_name"] == "App"
    assert levels[("project", site, None)]["limit_usd"] is None
    assert levels[("agent", site, "coder_1")]["spent_usd"] == 0.5
    assert len(body["by_day"]) == 30 and body["by_day"][-1]["cost_usd"] == 0.875
    assert body["by_day"][0]["calls"] == 0
    assert body["total"]["calls"] == 3 and body["total"]["cost_usd"] == 0.875
    assert {(p["project_name"], p["cost_usd"]) for p in body["by_project"]} == {
        ("App", 0.375),
        ("Site", 0.5),
    }
    assert {
        (a["project_id"], a["agent_name"], a["agent_type"], a["cost_usd"]) for a in body["by_agent"]
    } == {
        (app, "coder_1", "coder", 0.25),
        (app, "tester", "tester", 0.125),
        (site, "coder_1", "coder", 0.5),
    }
    assert {(m["model"], m["calls"]) for m in body["by_model"]} == {
        ("test/model", 2),
        ("test/other", 1),
    }

    one_day = await api.get(
        "/api/budget/summary", params={"start": today.isoformat(), "end": today.isoformat()}
    )
    assert [d["day"] for d in one_day.json()["by_day"]] == [today.isoformat()]
    backwards = await api.get(
        "/api/budget/summary", params={"start": "2026-02-02", "end": "2026-02-01"}
    )
    assert backwards.status_code == 422 and _error(backwards)["code"] == "invalid_input"
    assert (await api.get("/api/budget/summary", params={"start": "soon"})).status_code == 422
    assert Decimal(str(body["total"]["cost_usd"])) == Decimal("0.875")
    assert date.fromisoformat(body["start"]) < today


async def test_the_emergency_pause_over_rest_and_socket_stops_llm_calls(api, mcc):
    uid, runtime = api._user_id, mcc.runtime
    socket = socketio.AsyncClient()
    events: list[Any] = []
    socket.on("system_state", events.append)
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await socket.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        paused = await api.post("/api/system/pause", json={"reason": "runaway agent"})
        assert paused.status_code == 200
        assert paused.json()["paused"] is True and paused.json()["reason"] == "runaway agent"
        async with scripted_llm_server() as llm, LLMClient(base_url=llm.base_url) as client:
            gateway = LLMGateway(runtime.db, client, PRICES, runtime.events, runtime.settings)
            call = GatewayCall(
                owner_id=uid,
                model="test/model",
                messages=[ChatMessage.user("hi")],
                max_tokens=10,
                idempotency_key="paused-call",
            )
            with pytest.raises(SystemPaused):
                await gateway.call(call)
            assert llm.chat_requests == []
            assert (await api.get("/api/budget/summary")).json()["paused"] is True

            resumed = await api.post("/api/system/resume")
            assert resumed.json()["paused"] is False and resumed.json()["since"] is None
            llm.script(Reply(content="ok", cost=0.001))
            assert (await gateway.call(call)).chat is not None

            ack = await socket.call("emergency_pause", {"reason": "from the dashboard"}, timeout=10)
            assert ack["ok"] is True and ack["paused"] is True
            state = (await api.get("/api/system/state")).json()
            assert (state["paused"], state["reason"]) == (True, "from the dashboard")
            with pytest.raises(SystemPaused):
                await gateway.call(
                    GatewayCall(
                        owner_id=uid,
                        model="test/model",
                        messages=[ChatMessage.user("hi")],
                        max_tokens=10,
                        idempotency_key="after-socket-pause",
                    )
                )
        for _ in range(50):
            if len(events) >= 3:
                break
            await asyncio.sleep(0.05)
        assert [e["paused"] for e in events] == [True, False, True]
    finally:
        await socket.disconnect()
