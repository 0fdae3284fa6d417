"""An agent carries out a task through the scripted LLM, with real tools, durably."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest

from api.server import MccServer
from mcc.models.message import Message
from tests.fakes.llm_server import Reply, ScriptedToolCall
from tests.support.repos import git, make_repo

BUGGY = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "test_calc.py": (
        "import unittest\n\nfrom calc import add\n\n\n"
        "class AddTest(unittest.TestCase):\n"
        "    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n"
    ),
}
TESTS = "python3 -m unittest -q"


def call(name: str, **arguments) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(name, arguments)])


FIX_SCRIPT = [
    call("run_command", command=TESTS),
    call("read_file", path="calc.py"),
    # A malformed call: the agent gets an error message, the run goes on.
    call("edit_file", path="calc.py", old="return a - b"),
    call("edit_file", path="calc.py", old="return a - b", new="return a + b"),
    call("run_command", command=TESTS),
    call("git_commit", message="Fix add()"),
    call("finish", outcome="done", summary="add() now adds; the test passes."),
]


async def _project_with_agents(api, tmp_path, files) -> tuple[dict, dict[str, dict]]:
    repo = make_repo(tmp_path / "src", files)
    name = f"Agents {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    return project, {a["name"]: a for a in agents}


async def test_projects_start_with_the_default_roster(api, tmp_path):
    _, agents = await _project_with_agents(api, tmp_path, None)
    assert {n: a["role"] for n, a in agents.items()} == {
        "architect": "architect",
        "coder_1": "coder",
        "coder_2": "coder",
        "tester": "tester",
        "reviewer": "reviewer",
    }
    assert all(a["status"] == "idle" and a["model"] == "test/model" for a in agents.values())


async def test_a_coder_fixes_a_failing_test_through_the_tool_loop(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    project, agents = await _project_with_agents(api, tmp_path, BUGGY)
    llm.script(*FIX_SCRIPT)
    started = await api.post(
        f"/api/agents/{agents['coder_1']['id']}/runs",
        json={"task": "The test suite fails. Make it pass.", "title": "Fix the tests"},
    )
    assert started.status_code == 202, started.text
    run = started.json()

    result = await temporal_client.get_workflow_handle(run["run_id"]).result()
    assert result["outcome"] == "done"
    assert result["summary"] == "add() now adds; the test passes."

    # The run's worktree is gone; its branch holds the work, and the tests pass on it.
    origin = mcc.runtime.repos.origin(project["id"])
    branch = run["branch"]
    assert git(origin, "show", f"{branch}:calc.py") == "def add(a, b):\n    return a + b\n"
    assert git(origin, "log", "-1", "--format=%an|%s", branch) == "coder_1|Fix add()\n"
    assert not any((mcc.runtime.repos.project_dir(project["id"]) / "agent_coder_1").iterdir())
    checkout = tmp_path / "check"
    git(origin, "worktree", "add", "-q", "--detach", str(checkout), branch)
    tests = await mcc.runtime.sandbox.run(TESTS, checkout)
    assert tests.exit_code == 0, tests.stderr

    messages = (await api.get(f"/api/conversations/{run['conversation_id']}/messages")).json()
    roles = [m["role"] for m in messages]
    assert roles[:2] == ["system", "user"]
    assert roles[2:] == ["assistant", "tool"] * len(FIX_SCRIPT)
    tool_results = [m["content"] for m in messages if m["role"] == "tool"]
    assert tool_results[0].startswith("killed") or "exit code: 1" in tool_results[0]
    assert "invalid arguments for edit_file: new: Field required" in tool_results[2]
    assert tool_results[4].startswith("exit code: 0")
    assistants = [m for m in messages if m["role"] == "assistant"]
    assert all(m["tokens"] > 0 and m["cost"] > 0 for m in assistants)
    assert len(llm.chat_requests) == len(FIX_SCRIPT)

    coder = (await api.get(f"/api/agents/{agents['coder_1']['id']}")).json()
    assert coder["status"] == "idle" and coder["current_task"] is None
    conversation = (await api.get(f"/api/conversations/{run['conversation_id']}")).json()
    assert conversation["status"] == "finished" and conversation["outcome"] == "done"


async def test_a_message_outside_the_communication_rules_is_refused_to_the_sender(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    reviewer_says = [
        call("send_message", to="tester", content="please test"),
        call("send_message", to="coder_1", content="rename x to count"),
        call("finish", outcome="done", summary="asked coder_1 for a rename"),
    ]

    def answer(body):
        # coder_1 was idle: the message wakes it for a short run (it just finishes here).
        if body["messages"][0]["content"].startswith("You are coder_1"):
            return call("finish", outcome="done", summary="will rename")
        return reviewer_says.pop(0)

    llm.script(*([answer] * 4))
    run = (
        await api.post(
            f"/api/agents/{agents['reviewer']['id']}/runs", json={"task": "Review the naming."}
        )
    ).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()
    assert result["outcome"] == "done"

    messages = (await api.get(f"/api/conversations/{run['conversation_id']}/messages")).json()
    tool_results = [m["content"] for m in messages if m["role"] == "tool"]
    assert tool_results[0] == (
        "send_message failed: "
        if False
        else "a reviewer may not message a tester (tester); the company's rules route this "
        "through someone else"
    )
    assert tool_results[1] == "delivered to coder_1's inbox; they will answer shortly"
    async with mcc.runtime.db.sessions() as session:
        delivered = await session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.content == "Message from reviewer: rename x to count")
        )
    assert delivered == 1


async def test_the_person_steps_into_a_running_conversation(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    seen: list[list[dict]] = []

    def answer(body):
        seen.append(body["messages"])
        if len(seen) == 1:
            return call("list_files", path=".")
        return call("finish", outcome="done", summary="ok")

    llm.script(answer, answer)
    await api.patch(f"/api/agents/{agents['coder_2']['id']}", json={"rules": "Be brief."})
    run = (
        await api.post(f"/api/agents/{agents['coder_2']['id']}/runs", json={"task": "Look around."})
    ).json()
    # Paused before its first step, the person writes, then resumes it.
    await api.post(f"/api/conversations/{run['conversation_id']}/pause")
    posted = await api.post(
        f"/api/conversations/{run['conversation_id']}/messages",
        json={"content": "Also check the README"},
    )
    assert posted.status_code == 201
    await api.post(f"/api/conversations/{run['conversation_id']}/resume")
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()
    assert result["outcome"] == "done"
    system = seen[0][0]["content"]
    assert "## Your own rules\n\nBe brief." in system
    everything = [m.get("content") for batch in seen for m in batch]
    assert "Also check the README" in everything


async def test_a_long_run_continues_as_new_and_keeps_its_conversation(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    # Different calls: five identical ones would be stopped by the loop guard.
    steps = [call("run_command", command=f"echo step {n}") for n in range(5)] + [finish_call()]
    llm.script(*steps)
    settings = mcc.settings.model_copy(update={"agent_steps_per_history": 2})
    from api.agent_runs import start_agent_run
    from mcc.projects import get_project

    async with mcc.runtime.db.sessions() as session:
        project = await get_project(session, agents["coder_2"]["project_id"])
        from mcc.agents.roster import get_agent

        agent = await get_agent(session, agents["coder_2"]["id"])
        run_id, conversation_id, _ = await start_agent_run(
            temporal_client, settings, session, project, agent, "Look around six times.", "Long"
        )
    handle = temporal_client.get_workflow_handle(run_id)
    result = await handle.result()
    assert result["outcome"] == "done" and result["steps"] == 6
    # Three histories: after steps 2 and 4 the run continued as new.
    runs = [wf async for wf in temporal_client.list_workflows(f'WorkflowId = "{run_id}"')]
    assert len(runs) == 3
    messages = (await api.get(f"/api/conversations/{conversation_id}/messages")).json()
    assert [m["role"] for m in messages][2:] == ["assistant", "tool"] * 6


async def _tester_run_with_a_refused_key(api, llm, tmp_path) -> tuple[dict, dict]:
    """The tester given a task whose first LLM call is refused (401): its agents and run."""
    _, agents = await _project_with_agents(api, tmp_path, None)
    llm.unauthorized_next(1)
    run = (
        await api.post(
            f"/api/agents/{agents['tester']['id']}/runs", json={"task": "Run the tests."}
        )
    ).json()
    return agents, run


async def test_an_agent_whose_run_cannot_finish_shows_error(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    agents, run = await _tester_run_with_a_refused_key(api, llm, tmp_path)
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()
    assert result["outcome"] == "needs_attention"
    assert "refused the API key" in result["summary"]
    tester = (await api.get(f"/api/agents/{agents['tester']['id']}")).json()
    assert tester["status"] == "error"
    # Why, in a sentence, on the page that lists every agent.
    assert tester["status_reason"].startswith("Its last run needs your attention: ")
    assert "refused the API key" in tester["status_reason"]
    # And the person hears of it away from the page (a run outside an issue says so itself).
    items = (await api.get("/api/notifications")).json()["items"]
    stopped = [n for n in items if n["kind"] == "needs_attention"]
    assert len(stopped) == 1, items
    assert stopped[0]["title"].endswith("needs your attention")
    assert "refused the API key" in stopped[0]["message"]
    assert (
        stopped[0]["link"]
        == f"/projects/{tester['project_id']}/conversations/{run['conversation_id']}"
    )


async def test_why_a_run_stopped_is_shown_to_the_person_and_not_sent_to_the_model_on_a_retry(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, run = await _tester_run_with_a_refused_key(api, llm, tmp_path)
    handle = temporal_client.get_workflow_handle(run["run_id"])
    stopped = await handle.result()
    assert stopped["outcome"] == "needs_attention"

    # The person reads why in the conversation itself, as MCC's notice.
    messages = (await api.get(f"/api/conversations/{run['conversation_id']}/messages")).json()
    said = messages[-1]
    assert (said["author"], said["role"]) == ("system", "notice")
    assert said["content"] == f"This run needs your attention: {stopped['summary']}"
    assert "refused the API key" in said["content"]

    # The key is fixed, the pause its refusal set is lifted, and the run is carried out
    # again (Temporal UI's Reset, to its first workflow task).
    assert (await api.post("/api/system/resume")).status_code == 200
    requests: list[list[dict]] = []

    def answer(body):
        requests.append(body["messages"])
        return call("finish", outcome="done", summary="The tests pass.")

    llm.script(answer)
    history = await handle.fetch_history()
    first_task = next(
        event.event_id
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )
    await temporal_client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=temporal_client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=run["run_id"]),
            reason="retry after the key was fixed",
            workflow_task_finish_event_id=first_task,
            request_id=str(uuid.uuid4()),
        )
    )
    retried = await temporal_client.get_workflow_handle(run["run_id"]).result()
    assert retried["outcome"] == "done"

    # Its model read the task again, and nothing of why the first attempt stopped.
    sent = [m.get("content") or "" for m in requests[0]]
    assert "Run the tests." in sent
    assert not [text for text in sent if "refused the API key" in text or "attention" in text]
    assert {m["role"] for m in requests[0]} <= {"system", "user", "assistant", "tool"}
    # The person still reads why the first attempt stopped; the conversation, how the retry ended.
    messages = (await api.get(f"/api/conversations/{run['conversation_id']}/messages")).json()
    assert [m["content"] for m in messages if m["role"] == "notice"] == [said["content"]]
    conversation = (await api.get(f"/api/conversations/{run['conversation_id']}")).json()
    assert (conversation["status"], conversation["outcome"]) == ("finished", "done")
    assert conversation["summary"] == "The tests pass."


async def test_a_rate_limited_step_waits_the_providers_retry_after_then_goes_on(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    llm.rate_limit_next(1, retry_after="3")
    llm.script(call("finish", outcome="done", summary="after the wait"))
    run = (
        await api.post(f"/api/agents/{agents['tester']['id']}/runs", json={"task": "Look."})
    ).json()

    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "done"
    refused, answered = llm.chat_requests
    # The retry policy alone would have retried after 1 s.
    assert answered.at - refused.at >= 2.9


async def test_a_provider_account_without_credit_needs_attention_at_once(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    llm.fail_next(1, status=402, message="Insufficient credits")
    run = (
        await api.post(f"/api/agents/{agents['tester']['id']}/runs", json={"task": "Look."})
    ).json()

    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "needs_attention"
    assert "lack of credit" in result["summary"] and "Insufficient credits" in result["summary"]
    assert len(llm.chat_requests) == 1  # not retried


def finish_call() -> Reply:
    return call("finish", outcome="done", summary="looked")


async def test_the_architect_remembers_past_runs_and_a_coder_does_not(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    prompts: list[str] = []

    def answer(body):
        prompts.append(body["messages"][0]["content"])
        return call("finish", outcome="done", summary=f"Decision {len(prompts)}: use SQLite")

    llm.script(answer, answer, answer, answer)
    for name in ("architect", "architect", "coder_1", "coder_1"):
        run = (
            await api.post(
                f"/api/agents/{agents[name]['id']}/runs", json={"task": f"Plan it ({name})."}
            )
        ).json()
        await temporal_client.get_workflow_handle(run["run_id"]).result()

    first_architect, second_architect, first_coder, second_coder = prompts
    assert "What you remember of this project" not in first_architect
    assert "Decision 1: use SQLite" in second_architect
    # Coders see only their task: no memory section, not even their own past run.
    assert "What you remember" not in first_coder + second_coder


async def test_the_person_writes_over_the_socket_under_the_rest_rules(
    api, mcc: MccServer, tmp_path, temporal_client
):
    import socketio

    _, agents = await _project_with_agents(api, tmp_path, None)
    run = (
        await api.post(f"/api/agents/{agents['coder_1']['id']}/runs", json={"task": "Wait."})
    ).json()
    conversation_id = run["conversation_id"]
    await api.post(f"/api/conversations/{conversation_id}/pause")
    sock = socketio.AsyncClient()
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await sock.connect(
        f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
    )
    try:
        sent = await sock.call(
            "send_message", {"conversation_id": conversation_id, "content": "From the socket"}
        )
        too_long = await sock.call(
            "send_message", {"conversation_id": conversation_id, "content": "x" * 50_001}
        )
    finally:
        await sock.disconnect()
        await api.post(f"/api/conversations/{conversation_id}/cancel")
    assert sent["ok"] is True
    assert too_long == {"ok": False, "error": "the message is too long (50 000 characters at most)"}
    messages = (await api.get(f"/api/conversations/{conversation_id}/messages")).json()
    mine = [m for m in messages if m["role"] == "user" and m["author"].startswith("user:")]
    assert [m["content"] for m in mine] == ["From the socket"]
    assert mine[0]["id"] == sent["id"]


async def test_after_repeated_provider_failures_a_step_uses_the_agents_fallback_model(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    tester = agents["tester"]
    patched = await api.patch(f"/api/agents/{tester['id']}", json={"fallback_model": "test/pricey"})
    assert patched.json()["fallback_model"] == "test/pricey"
    llm.fail_next(3, status=503, message="overloaded", retry_after="0.1")
    llm.script(call("finish", outcome="done", summary="done on the fallback"))

    run = (await api.post(f"/api/agents/{tester['id']}/runs", json={"task": "Look."})).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "done"
    assert [r.body["model"] for r in llm.chat_requests] == ["test/model"] * 3 + ["test/pricey"]
    messages = (await api.get(f"/api/conversations/{run['conversation_id']}/messages")).json()
    note = next(m for m in messages if "fallback model" in m["content"])
    assert note["content"] == (
        "[test/model failed 3 times in a row at the provider; "
        "this step uses the fallback model test/pricey.]"
    )
    answer = next(m for m in messages if m["role"] == "assistant")
    assert answer["id"] > note["id"]
    # Charged at the fallback's price (the scripted provider bills test/pricey at 15/75 $/M).
    sent = llm.chat_requests[-1]
    from tests.fakes.llm_server import prompt_tokens_of

    assert answer["cost"] >= prompt_tokens_of(sent.body) * 15e-6
    cleared = await api.patch(f"/api/agents/{tester['id']}", json={"fallback_model": ""})
    assert cleared.json()["fallback_model"] is None


async def test_an_agent_repeating_one_call_is_told_then_stopped_as_stuck(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, {"a.txt": "same\n"})
    llm.script(*[call("read_file", path="a.txt") for _ in range(6)])

    run = (
        await api.post(f"/api/agents/{agents['coder_2']['id']}/runs", json={"task": "Read."})
    ).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert result["outcome"] == "needs_attention"
    assert result["summary"] == "stuck: repeating read_file"
    assert len(llm.chat_requests) == 5  # no sixth paid call
    fourth = llm.chat_requests[3].body["messages"]
    assert "same arguments 3 times in a row" in fourth[-1]["content"]


async def test_an_agent_polling_a_command_whose_output_changes_is_not_stuck(
    api, mcc: MccServer, llm, tmp_path, temporal_client
):
    _, agents = await _project_with_agents(api, tmp_path, None)
    poll = call("run_command", command='python3 -c "import time; print(time.time_ns())"')
    llm.script(*[poll] * 7, call("finish", outcome="done", summary="it finished"))

    run = (
        await api.post(f"/api/agents/{agents['coder_2']['id']}/runs", json={"task": "Wait."})
    ).json()
    result = await temporal_client.get_workflow_handle(run["run_id"]).result()

    assert (result["outcome"], result["summary"]) == ("done", "it finished")
