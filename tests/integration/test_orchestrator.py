"""The person's orchestrator (scripted LLM, real Temporal dev server, real MCC): it
creates an issue in the project it was asked about and pauses that run, it remembers
the person across turns (and continue-as-new), and it cannot touch another user's rows."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from sqlalchemy import func, select
from temporalio.client import Client, WorkflowExecutionStatus

from api.server import MccServer
from mcc.config import Settings
from mcc.issues import file_issue
from mcc.models.issue import Issue
from mcc.models.project import Project
from tests.conftest import login_new_user
from tests.fakes.llm_server import Reply, ScriptedToolCall
from tests.support.company import Company
from tests.support.http import local_client
from tests.support.owners import owner_with_project
from tests.support.repos import make_repo
from tests.support.waiting import eventually, wait_for_phase

ORCHESTRATOR = "You are orchestrator,"


def _call(name: str, **arguments: Any) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(name, arguments)])


def _is_orchestrator(body: dict[str, Any]) -> bool:
    return str(body["messages"][0]["content"]).startswith(ORCHESTRATOR)


def _last(body: dict[str, Any]) -> dict[str, Any]:
    return body["messages"][-1]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Every answered message continues as new: memory must outlive the run's history.
    return settings.model_copy(update={"orchestrator_turns_per_history": 1})


@pytest.fixture(autouse=True)
async def no_orchestrator_left(
    api: httpx.AsyncClient, temporal_client: Client
) -> AsyncIterator[None]:
    """User ids repeat across tests (a database each) but the Temporal server is shared:
    an orchestrator another test started (on its own task queue) must not get our messages."""
    handle = temporal_client.get_workflow_handle(f"orchestrator/{api._user_id}")  # type: ignore[attr-defined]
    with contextlib.suppress(Exception):
        await handle.terminate("another test's")
    yield
    with contextlib.suppress(Exception):
        await handle.terminate("test over")


async def _project(api: httpx.AsyncClient, tmp_path: Path, name: str) -> dict[str, Any]:
    repo = make_repo(tmp_path / name)
    full = f"{name} {uuid.uuid4().hex[:6]}"
    response = await api.post("/api/projects", json={"name": full, "repo_path": str(repo)})
    assert response.status_code == 201, response.text
    return response.json()


async def _say(api: httpx.AsyncClient, content: str) -> dict[str, Any]:
    sent = await api.post("/api/orchestrator/messages", json={"content": content})
    assert sent.status_code == 201, sent.text
    return sent.json()


async def _answer_after(api: httpx.AsyncClient, conversation_id: int, message_id: int) -> str:
    """The orchestrator's answer in words to the person's message `message_id`."""

    async def probe() -> str | None:
        rows = (await api.get(f"/api/conversations/{conversation_id}/messages")).json()
        for row in rows:
            if (
                row["id"] > message_id
                and row["role"] == "assistant"
                and not row["tool_calls"]
                and row["content"]
            ):
                return str(row["content"])
        return None

    return await eventually(probe, 30, "the orchestrator's answer")


async def test_the_orchestrator_creates_an_issue_in_the_right_project_and_pauses_its_run(
    api: httpx.AsyncClient, mcc: MccServer, llm, tmp_path: Path, temporal_client: Client
) -> None:
    alpha = await _project(api, tmp_path, "Alpha")
    beta = await _project(api, tmp_path, "Beta")
    architect_started = asyncio.Event()
    release_architect = asyncio.Event()
    prompts: list[str] = []

    async def answer(body: dict[str, Any]) -> Reply:
        if not _is_orchestrator(body):
            # Beta's architect is at work when the person asks for the pause.
            architect_started.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(release_architect.wait(), 20)
            return _call("finish", outcome="blocked", summary="stopped")
        prompts.append(str(body["messages"][0]["content"]))
        last = _last(body)
        if last["role"] == "tool":
            return Reply(content=f"Done: {last['content']}")
        said = str(last["content"])
        if "login" in said:
            return _call(
                "create_issue",
                project_id=beta["id"],
                title="Login fails with a + in the email",
                description="Users with a + in their email cannot log in.",
            )
        assert "pause" in said
        return _call("steer_run", project_id=beta["id"], number=1, action="pause")

    llm.script(*([answer] * 40))
    first = await _say(api, f"In {beta['name']}: login fails with a + in the email. File it.")
    reply = await _answer_after(api, first["conversation_id"], first["message_id"])

    assert reply == f"Done: created issue #1 in {beta['name']}; its run has started"
    beta_issues = (await api.get(f"/api/projects/{beta['id']}/issues")).json()
    assert [(i["number"], i["title"]) for i in beta_issues] == [
        (1, "Login fails with a + in the email")
    ]
    assert (await api.get(f"/api/projects/{alpha['id']}/issues")).json() == []
    assert f"{alpha['id']}: {alpha['name']}" in prompts[0]  # it knows the person's projects

    await asyncio.wait_for(architect_started.wait(), 30)
    second = await _say(api, "Please pause that run.")
    paused = await _answer_after(api, second["conversation_id"], second["message_id"])
    assert paused == f"Done: {beta['name']} #1: run paused"
    await wait_for_phase(api, beta["id"], 1, "paused")
    await api.post(f"/api/projects/{beta['id']}/issues/1/cancel")
    release_architect.set()

    # The conversation is the person's and reads like any agent's.
    mine = (await api.get("/api/orchestrator")).json()
    assert mine["conversation_id"] == first["conversation_id"]
    conversation = (await api.get(f"/api/conversations/{mine['conversation_id']}")).json()
    assert conversation["kind"] == "orchestrator"


async def test_the_orchestrator_recalls_what_the_person_said_in_a_later_turn(
    api: httpx.AsyncClient, mcc: MccServer, llm, temporal_client: Client
) -> None:
    turn_prompts: list[str] = []

    def answer(body: dict[str, Any]) -> Reply:
        last = _last(body)
        if last["role"] == "tool":
            return Reply(content=f"From memory: {last['content']}")
        turn_prompts.append(str(body["messages"][0]["content"]))
        if "always" in str(last["content"]):
            return _call("remember", key="Database", content="PostgreSQL for every project")
        return _call("recall", query="database")

    llm.script(*([answer] * 10))
    first = await _say(api, "We always use PostgreSQL, in every project.")
    await _answer_after(api, first["conversation_id"], first["message_id"])
    memory = (await api.get("/api/orchestrator/memory")).json()
    assert [(m["key"], m["content"]) for m in memory] == [
        ("database", "PostgreSQL for every project")
    ]
    # The person corrects it; the orchestrator's next turn reads the correction.
    edited = await api.put(
        "/api/orchestrator/memory/database", json={"content": "PostgreSQL 16 for every project"}
    )
    assert edited.status_code == 200, edited.text

    run_id = first["run_id"]

    async def continued() -> bool:
        runs = [e async for e in temporal_client.list_workflows(f"WorkflowId = '{run_id}'")]
        return any(e.status == WorkflowExecutionStatus.CONTINUED_AS_NEW for e in runs)

    await eventually(continued, 30, "the orchestrator to continue as new")
    # Posted in the conversation like in any other (what the chat's composer does).
    posted = await api.post(
        f"/api/conversations/{first['conversation_id']}/messages",
        json={"content": "Which database do I want for the new service?"},
    )
    assert posted.status_code == 201, posted.text
    reply = await _answer_after(api, first["conversation_id"], posted.json()["id"])

    assert reply == "From memory: - database: PostgreSQL 16 for every project"
    assert "- database: PostgreSQL 16 for every project" in turn_prompts[1]
    status = await temporal_client.get_workflow_handle(run_id).query("status")
    assert status["turn"] == 2
    deleted = await api.delete("/api/orchestrator/memory/database")
    assert deleted.status_code == 204
    assert (await api.get("/api/orchestrator/memory")).json() == []


async def test_another_users_project_is_refused(
    api: httpx.AsyncClient, mcc: MccServer, llm, tmp_path: Path
) -> None:
    async with mcc.runtime.db.sessions() as session:
        _, theirs = await owner_with_project(session, "other@example.com", "Theirs")
        await session.commit()
    results: list[str] = []
    attempts = [
        _call("create_issue", project_id=theirs, title="Sneaky", description="x"),
        _call("steer_run", project_id=theirs, number=1, action="cancel"),
        _call("list_issues", project_id=theirs),
        _call("run_status", project_id=theirs, number=1),
        _call("message_agent", project_id=theirs, agent="architect", content="hi"),
    ]

    def answer(body: dict[str, Any]) -> Reply:
        last = _last(body)
        if last["role"] == "tool":
            results.append(str(last["content"]))
        if len(results) < len(attempts):
            return attempts[len(results)]
        return Reply(content="I cannot reach that project.")

    llm.script(*([answer] * 10))
    sent = await _say(api, f"Create an issue in project {theirs}.")
    reply = await _answer_after(api, sent["conversation_id"], sent["message_id"])

    assert reply == "I cannot reach that project."
    assert results == [
        f"{tool} failed: project {theirs} not found"
        for tool in ("create_issue", "steer_run", "list_issues", "run_status", "message_agent")
    ]
    async with mcc.runtime.db.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Issue).where(Issue.project_id == theirs)
        )
    assert count == 0

    # Nor can another person read this one's orchestrator, its memory, or file by socket.
    await api.put("/api/orchestrator/memory/tone", json={"content": "brief answers"})
    async with local_client(base_url=str(api.base_url), timeout=30) as stranger:
        await login_new_user(stranger, mcc, "stranger@example.com")
        assert (
            await stranger.get(f"/api/conversations/{sent['conversation_id']}")
        ).status_code == 404
        assert (await stranger.get("/api/orchestrator/memory")).json() == []
        assert (await stranger.delete("/api/orchestrator/memory/tone")).status_code == 404
    assert [m["key"] for m in (await api.get("/api/orchestrator/memory")).json()] == ["tone"]


async def test_the_create_issue_socket_event_files_and_starts_an_issue(
    api: httpx.AsyncClient, mcc: MccServer, company, tmp_path: Path
) -> None:
    project = await _project(api, tmp_path, "Socket")
    async with mcc.runtime.db.sessions() as session:
        _, theirs = await owner_with_project(session, "else@example.com", "Elsewhere")
        await session.commit()
    client = socketio.AsyncClient()
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await client.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        made = await client.call(
            "create_issue",
            {"project_id": project["id"], "title": "From the socket", "description": "body"},
        )
        refused = await client.call(
            "create_issue", {"project_id": theirs, "title": "Nope", "description": ""}
        )
    finally:
        await client.disconnect()

    assert made == {"ok": True, "project_id": project["id"], "number": 1, "started": True}
    assert refused == {"ok": False, "error": f"project {theirs} not found"}
    issue = await wait_for_phase(api, project["id"], 1, "awaiting_approval")
    assert (issue["title"], issue["body"]) == ("From the socket", "body")


async def test_the_orchestrator_messages_an_idle_agent_who_answers(
    api: httpx.AsyncClient, mcc: MccServer, llm, tmp_path: Path, temporal_client: Client
) -> None:
    project = await _project(api, tmp_path, "Ask")
    woken: list[str] = []

    def answer(body: dict[str, Any]) -> Reply:
        if not _is_orchestrator(body):
            woken.append(str(body["messages"][1]["content"]))
            return _call("finish", outcome="done", summary="SQLite, in db.sqlite3.")
        last = _last(body)
        if last["role"] == "tool":
            return Reply(content=f"Done: {last['content']}")
        return _call(
            "message_agent", project_id=project["id"], agent="architect", content="Which DB?"
        )

    llm.script(*([answer] * 10))
    sent = await _say(api, "Ask the architect which database we use.")
    reply = await _answer_after(api, sent["conversation_id"], sent["message_id"])

    assert reply.startswith("Done: delivered to architect's inbox; it answers in run ")
    run_id = reply.rsplit(" ", 1)[-1]
    result = await temporal_client.get_workflow_handle(run_id).result()
    assert result["summary"] == "SQLite, in db.sqlite3."
    assert "the person wrote to you" in woken[0] and "Which DB?" in woken[0]


async def test_the_person_lifts_the_emergency_pause_by_asking_the_orchestrator(
    api: httpx.AsyncClient, mcc: MccServer, llm, tmp_path: Path
) -> None:
    project = await _project(api, tmp_path, "Held")
    company = Company()
    agents_asked: list[str] = []
    prompts: list[str] = []

    def answer(body: dict[str, Any]) -> Reply | Awaitable[Reply]:
        if not _is_orchestrator(body):
            agents_asked.append(str(body["messages"][0]["content"])[:40])
            return company(body)
        prompts.append(str(body["messages"][0]["content"]))
        last = _last(body)
        if last["role"] == "tool":
            return Reply(content=f"Done: {last['content']}")
        on = "Stop" in str(last["content"])
        return _call("emergency_pause", on=on, reason="asked by the person" if on else None)

    llm.script(*([answer] * 200))
    stop = await _say(api, "Stop everything now!")
    # The orchestrator answers at once, pause or not: it is how the person gets out of it.
    assert await _answer_after(api, stop["conversation_id"], stop["message_id"]) == (
        "Done: emergency pause is on"
    )
    state = (await api.get("/api/system/state")).json()
    assert (state["paused"], state["reason"]) == (True, "asked by the person")

    # An agent is still refused while paused: the new issue's run holds before its first call.
    await api.post(f"/api/projects/{project['id']}/issues", json={"title": "Held", "body": "x"})
    await wait_for_phase(api, project["id"], 1, "paused", 60)
    assert agents_asked == []

    lift = await _say(api, "Lift the pause, please.")
    lifted = await _answer_after(api, lift["conversation_id"], lift["message_id"])

    assert lifted == "Done: emergency pause lifted"
    assert "The emergency pause is ON (asked by the person)" in prompts[-2]
    assert (await api.get("/api/system/state")).json()["paused"] is False
    await wait_for_phase(api, project["id"], 1, "awaiting_approval", 90)
    assert agents_asked  # the agents went back to work


async def test_a_retried_create_issue_call_files_one_issue(
    api: httpx.AsyncClient, mcc: MccServer
) -> None:
    async with mcc.runtime.db.sessions() as session:
        _, pid = await owner_with_project(session, "retry@example.com", "Retry")
        await session.commit()
        project = await session.get(Project, pid)
        assert project is not None
        key = "orchestrator/7/turn/1/tool/0/0"
        forge = mcc.runtime.forge
        first, created = await file_issue(session, forge, project, "Once", "", key)
        again, created_again = await file_issue(session, forge, project, "Once", "", key)
        count = await session.scalar(
            select(func.count()).select_from(Issue).where(Issue.project_id == pid)
        )
    assert (created, created_again) == (True, False)
    assert again.number == first.number == 1
    assert count == 1


async def test_the_orchestrator_stops_a_repeated_failing_call_early_and_says_why(
    api: httpx.AsyncClient, llm
) -> None:
    seen: list[dict[str, Any]] = []

    def answer(body: dict[str, Any]) -> Reply:
        seen.append(_last(body))
        return _call("list_issues", project_id=987654)  # no such project: the same error

    llm.script(*([answer] * 12))
    sent = await _say(api, "What is open in project 987654?")
    reply = await _answer_after(api, sent["conversation_id"], sent["message_id"])

    assert reply == (
        "I could not answer: I stopped because I was going round in circles (list_issues):"
        " the same tool calls kept giving the same results. Tell me what to try instead,"
        " or check what the tool reported above."
    )
    # Five identical steps (the loop guard's limit), not the turn's twelve.
    assert len(seen) == 5
    # After three, the model was told before its next step, as agents are.
    assert seen[3]["role"] == "user"
    assert seen[3]["content"].startswith("[You called list_issues with the same arguments 3")
