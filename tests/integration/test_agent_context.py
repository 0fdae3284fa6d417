"""A long agent run whose tools read far more than the model's window holds."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from api.server import MccServer
from mcc.models.message import Message
from tests.fakes.llm_server import Reply, ScriptedToolCall, prompt_tokens_of
from tests.support.repos import make_repo

WINDOW = 128_000  # what the scripted server's /models says of test/model
BIG = "".join(f"line {n:05d} " + "x" * 40 + "\n" for n in range(1, 1101))  # 57,200 characters


def call(name: str, **arguments) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(name, arguments)])


async def test_a_40_step_run_reading_2m_characters_keeps_every_request_in_the_window(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    repo = make_repo(tmp_path / "src", {"big.txt": BIG})
    name = f"Context {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    coder = next(a for a in agents if a["name"] == "coder_1")
    llm.script(
        # Each read starts a line later: the same read again and again would be stopped
        # by the loop guard.
        *[call("read_file", path="big.txt", start_line=n) for n in range(1, 40)],
        call("finish", outcome="done", summary="read it all"),
    )

    run = (await api.post(f"/api/agents/{coder['id']}/runs", json={"task": "Read big.txt."})).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "done" and result["summary"] == "read it all"
    async with mcc.runtime.db.sessions() as session:
        read = await session.scalar(
            select(func.sum(func.length(Message.content))).where(
                Message.conversation_id == run["conversation_id"], Message.role == "tool"
            )
        )
    assert read >= 2_000_000  # the conversation keeps every output in full
    requests = llm.chat_requests
    assert len(requests) == 40
    sizes = [prompt_tokens_of(r.body) for r in requests]
    print(f"\nlargest request: {max(sizes)} tokens ({max(r.size for r in requests)} bytes)")
    assert max(sizes) < WINDOW
    last = requests[-1].body["messages"]
    assert last[0]["role"] == "system" and last[1]["content"] == "Read big.txt."
    assert "characters of this output left out" in last[-1]["content"]
    assert any(
        m["content"].startswith("[older result of read_file(")
        for m in last[2:-1]
        if m["role"] == "tool"
    )


async def test_an_anthropic_agent_caches_its_prompt_and_task_and_pays_what_the_provider_reports(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    project = (
        await api.post(
            "/api/projects",
            json={
                "name": f"Cache {uuid.uuid4().hex[:6]}",
                "repo_path": str(make_repo(tmp_path / "r", None)),
            },
        )
    ).json()
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    tester = next(a for a in agents if a["name"] == "tester")
    patched = await api.patch(
        f"/api/agents/{tester['id']}", json={"model": "anthropic/claude-sonnet-4"}
    )
    assert patched.status_code == 200, patched.text
    finish = call("finish", outcome="done", summary="cached")
    finish.cached_tokens, finish.cost = 900, 0.0012
    llm.script(finish)

    run = (await api.post(f"/api/agents/{tester['id']}/runs", json={"task": "Look."})).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "done"
    sent = llm.chat_requests[0].body["messages"]
    assert isinstance(sent[0]["content"], str)
    assert sent[1]["content"] == [
        {"type": "text", "text": "Look.", "cache_control": {"type": "ephemeral"}}
    ]
    async with mcc.runtime.db.sessions() as session:
        answer = await session.scalar(
            select(Message).where(
                Message.conversation_id == run["conversation_id"], Message.role == "assistant"
            )
        )
    assert answer is not None
    assert answer.meta["cached_tokens"] == 900
    assert float(answer.cost_usd) == 0.0012


async def test_200_steps_over_a_100k_token_conversation_keep_every_history_under_5_mb(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    from api.agent_runs import start_agent_run
    from mcc.agents.roster import get_agent
    from mcc.projects import get_project

    lines = "".join(f"row {n:05d} " + "y" * 41 + "\n" for n in range(1, 4001))
    repo = make_repo(tmp_path / "src", {"rows.txt": lines})
    name = f"History {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    coder = next(a for a in agents if a["name"] == "coder_2")
    llm.script(
        *[
            call("read_file", path="rows.txt", start_line=20 * n + 1, end_line=20 * n + 40)
            for n in range(199)
        ],
        call("finish", outcome="done", summary="read 199 slices"),
    )
    settings = mcc.settings.model_copy(update={"agent_max_steps": 200})
    async with mcc.runtime.db.sessions() as session:
        run_id, conversation_id, _ = await start_agent_run(
            temporal_client,
            settings,
            session,
            await get_project(session, project["id"]),
            await get_agent(session, coder["id"]),
            "Read rows.txt slice by slice.",
            "Long",
        )

    result = await temporal_client.get_workflow_handle(run_id).result()

    assert (result["outcome"], result["steps"]) == ("done", 200)
    async with mcc.runtime.db.sessions() as session:
        chars = await session.scalar(
            select(func.sum(func.length(Message.content))).where(
                Message.conversation_id == conversation_id
            )
        )
    assert chars >= 400_000  # about 100k tokens of conversation
    sizes = []
    async for wf in temporal_client.list_workflows(f'WorkflowId = "{run_id}"'):
        history = await temporal_client.get_workflow_handle(
            run_id, run_id=wf.run_id
        ).fetch_history()
        sizes.append(len(history.to_json()))
    print(f"\n{len(sizes)} histories, largest {max(sizes)} bytes (JSON), total {sum(sizes)}")
    assert len(sizes) == 8  # continued as new every 25 steps
    assert max(sizes) < 5_000_000
