"""Record the histories the replay tests check (run when a workflow changes on purpose).

    .venv/bin/python -m tests.histories.record <release>

Each run goes through the real API, worker, dev server and a scripted company;
the histories are written to `tests/histories/<release>/`. Keep the directories
of earlier releases: runs they started may still be in flight after an upgrade,
so today's code must replay them too, and a change that alters their command
sequence without `workflow.patched` then fails `test_replay.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

import httpx
from temporalio.client import Client

from api.server import MccServer
from tests.conftest import login_new_user
from tests.fakes.llm_server import scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.decisions import decide
from tests.support.http import local_client
from tests.support.local_mcc import local_mcc
from tests.support.repos import make_repo
from tests.support.temporal import start_dev_server
from tests.support.waiting import eventually, wait_for_phase

HERE = Path(__file__).resolve().parent
OUT = HERE / (sys.argv[1] if len(sys.argv) > 1 else "current")


async def _save(client: Client, workflow_id: str, name: str) -> None:
    """Write the history and remember its workflow id (replay needs the real one)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    OUT.mkdir(exist_ok=True)
    out = OUT / f"{name}.json"
    out.write_text(history.to_json())
    ids_file = OUT / "workflow_ids.json"
    ids = json.loads(ids_file.read_text()) if ids_file.exists() else {}
    ids[name] = workflow_id
    ids_file.write_text(json.dumps(ids, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out}")


async def record() -> None:
    env = await start_dev_server(log_level="warn")
    try:
        async with scripted_llm_server() as llm:
            answer_forever(llm, Company(), 2000)
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp)
                async with local_mcc(
                    root,
                    f"sqlite+aiosqlite:///{root / 'mcc.db'}",
                    env.client.service_client.config.target_host,
                    "record",
                    llm_base_url=llm.base_url,
                ) as server:
                    await _scenarios(env.client, server, root)
    finally:
        await env.shutdown()


async def _scenarios(client: Client, server: MccServer, root: Path) -> None:
    async with local_client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as api:
        await login_new_user(api, server, "history@example.com")
        repo = make_repo(root / "src")
        pid = (
            await api.post("/api/projects", json={"name": "history", "repo_path": str(repo)})
        ).json()["id"]
        base = f"/api/projects/{pid}/issues"

        # 1: approved and merged.
        await api.post(base, json={"title": "Approved", "body": "Recorded."})
        await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
        await decide(api, pid, 1, "approve")
        await wait_for_phase(api, pid, 1, "done", 60)
        await _save(client, "issue/history/1", "issue_workflow_done")
        await _save(client, "issue/history/1/architect/plan-1", "agent_run_architect")

        # 2: rejected once, reworked, approved.
        await api.post(base, json={"title": "Reworked", "body": "Recorded."})
        await wait_for_phase(api, pid, 2, "awaiting_approval", 60)
        await decide(api, pid, 2, "reject", feedback="not yet")

        async def reworked() -> bool:
            issue = (await api.get(f"{base}/2")).json()
            return issue["review_loops"] == 2 and issue["phase"] == "awaiting_approval"

        await eventually(reworked, 60, "the rework")
        await decide(api, pid, 2, "approve")
        await wait_for_phase(api, pid, 2, "done", 60)
        await _save(client, "issue/history/2", "issue_workflow_reworked")

        # 3: paused and resumed while planning, then cancelled while awaiting approval.
        await api.post(base, json={"title": "Cancelled", "body": "Recorded."})
        await wait_for_phase(api, pid, 3, "planning", 60)
        await api.post(f"{base}/3/pause")
        await api.post(f"{base}/3/resume")
        await wait_for_phase(api, pid, 3, "awaiting_approval", 60)
        await decide(api, pid, 3, "cancel")
        await eventually(lambda: _closed(api, f"{base}/3"), 60, "the cancelled issue to close")
        await _save(client, "issue/history/3", "issue_workflow_cancelled")


async def _closed(api: httpx.AsyncClient, url: str) -> bool:
    return bool((await api.get(url)).json()["state"] == "closed")


if __name__ == "__main__":
    asyncio.run(record())
    sys.stdout.flush()
    os._exit(0)
