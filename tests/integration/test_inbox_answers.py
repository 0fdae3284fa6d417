"""Agents answer when spoken to: a coder's question to an idle architect starts a short
architect run, and the answer reaches the coder at one of its next steps."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import select

from api.server import MccServer
from mcc.models.conversation import Conversation
from tests.fakes.llm_server import Reply, ScriptedToolCall
from tests.support.repos import make_repo


def _call(name: str, **arguments) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(name, arguments)])


async def test_an_idle_architect_answers_a_coders_question(
    api, mcc: MccServer, llm, tmp_path: Path, temporal_client
):
    repo = make_repo(tmp_path / "src")
    name = f"Inbox {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    agents = {
        a["name"]: a
        for a in (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    }
    architect_steps: list[str] = []

    async def answer(body):
        system = body["messages"][0]["content"]
        said = [str(m.get("content") or "") for m in body["messages"][1:]]
        if system.startswith("You are architect"):
            architect_steps.append(said[0])
            if any(m.get("role") == "tool" for m in body["messages"]):
                return _call("finish", outcome="done", summary="told coder_1: SQLite")
            return _call("send_message", to="coder_1", content="Use SQLite, file db.sqlite3.")
        answered = next((s for s in said if s.startswith("Message from architect")), None)
        if answered is not None:
            return _call("finish", outcome="done", summary=answered)
        if not any(m.get("role") == "tool" for m in body["messages"]):
            return _call("send_message", to="architect", content="Which database should I use?")
        await asyncio.sleep(0.3)  # go on with the task while the answer comes
        return _call("list_files", path=".")

    llm.script(*([answer] * 80))
    run = (
        await api.post(f"/api/agents/{agents['coder_1']['id']}/runs", json={"task": "Add a DB."})
    ).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "done"
    assert result["summary"] == "Message from architect: Use SQLite, file db.sqlite3."
    assert architect_steps and "coder_1 wrote to you" in architect_steps[0]
    assert "Which database should I use?" in architect_steps[0]
    async with mcc.runtime.db.sessions() as session:
        titles = list(
            await session.scalars(
                select(Conversation.title).where(
                    Conversation.agent_id == agents["architect"]["id"], Conversation.kind == "task"
                )
            )
        )
    assert titles == ["architect answers coder_1"]  # one short run, not one per retry


async def test_the_person_speaks_to_an_idle_agent_and_it_answers(
    api, mcc: MccServer, llm, tmp_path: Path, temporal_client
):
    repo = make_repo(tmp_path / "src")
    name = f"Ask {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    agents = {
        a["name"]: a
        for a in (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    }
    tasks: list[str] = []

    def answer(body):
        tasks.append(str(body["messages"][1]["content"]))
        return _call("finish", outcome="done", summary="We use SQLite everywhere.")

    llm.script(answer)
    sent = await api.post(
        f"/api/agents/{agents['architect']['id']}/messages",
        json={"content": "Which database do we use?"},
    )
    assert sent.status_code == 201, sent.text
    run_id = sent.json()["woke_run_id"]
    assert run_id is not None
    result = await temporal_client.get_workflow_handle(run_id).result()
    assert result["summary"] == "We use SQLite everywhere."
    assert "the person wrote to you" in tasks[0] and "Which database do we use?" in tasks[0]
    inbox = (await api.get(f"/api/conversations/{sent.json()['conversation_id']}")).json()
    assert inbox["kind"] == "inbox"
