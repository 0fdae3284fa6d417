"""Record the orchestrator's history for the replay tests (run when OrchestratorWorkflow
changes on purpose; the issue histories of `record.py` are left as they are).

    .venv/bin/python -m tests.histories.record_orchestrator

Two messages of the person, each answered after one tool call; the run then
continues as new, so the stored history is a complete one.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowExecutionStatus

from tests.conftest import login_new_user
from tests.fakes.llm_server import Reply, ScriptedToolCall, scripted_llm_server
from tests.histories.record import HERE
from tests.support.http import local_client
from tests.support.local_mcc import local_mcc
from tests.support.temporal import start_dev_server
from tests.support.waiting import eventually


def _answer(body: dict[str, Any]) -> Reply:
    last = body["messages"][-1]
    if last["role"] == "tool":
        return Reply(content=f"Here: {last['content']}")
    if "remember" in str(last["content"]):
        return Reply(tool_calls=[ScriptedToolCall("remember", {"key": "tone", "content": "brief"})])
    return Reply(tool_calls=[ScriptedToolCall("list_projects", {})])


async def record() -> None:
    env = await start_dev_server(log_level="warn")
    try:
        async with scripted_llm_server() as llm:
            llm.script(*([_answer] * 20))
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp)
                async with local_mcc(
                    root,
                    f"sqlite+aiosqlite:///{root / 'mcc.db'}",
                    env.client.service_client.config.target_host,
                    "record",
                    llm_base_url=llm.base_url,
                    orchestrator_turns_per_history=2,
                ) as server:
                    base = f"http://127.0.0.1:{server.port}"
                    async with local_client(base_url=base, timeout=30) as api:
                        await login_new_user(api, server, "history@example.com")
                        for said in ("What are my projects?", "Please remember: brief answers."):
                            sent = await api.post(
                                "/api/orchestrator/messages", json={"content": said}
                            )
                            run_id = sent.json()["run_id"]
                            await asyncio.sleep(2)

                        async def continued() -> bool:
                            runs = [
                                e
                                async for e in env.client.list_workflows(f"WorkflowId = '{run_id}'")
                            ]
                            return any(
                                e.status == WorkflowExecutionStatus.CONTINUED_AS_NEW for e in runs
                            )

                        await eventually(continued, 60, "the orchestrator to continue as new")
                        first = [  # noqa: RUF015 - an async iterator
                            e
                            async for e in env.client.list_workflows(f"WorkflowId = '{run_id}'")
                            if e.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
                        ][0]
                        await _save_run(env.client, run_id, first.run_id)
    finally:
        await env.shutdown()


async def _save_run(client: Any, workflow_id: str, run_id: str) -> None:
    """`_save` of record.py, for one run of the workflow (the one that continued as new)."""
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    out = HERE / "orchestrator"
    out.mkdir(exist_ok=True)
    (out / "orchestrator_two_turns.json").write_text(history.to_json())
    ids = {"orchestrator_two_turns": workflow_id}
    (out / "workflow_ids.json").write_text(json.dumps(ids, indent=2, sort_keys=True) + "\n")
    print("wrote orchestrator_two_turns.json")


if __name__ == "__main__":
    asyncio.run(record())
    sys.stdout.flush()
    os._exit(0)
