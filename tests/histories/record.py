"""Record the histories the replay tests check (run when a workflow changes on purpose).

    .venv/bin/python -m tests.histories.record

Each run goes through the real API, worker and dev server; the histories are
written next to this file. A change that alters an old run's command sequence
then fails `test_replay.py` instead of breaking runs in production.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment

from api.server import MccServer
from mcc.config import Settings
from mcc.db.migrate import upgrade
from tests.conftest import login_new_user
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_phase
from workflows.search_attributes import ALL

HERE = Path(__file__).resolve().parent


async def record() -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        search_attributes=ALL,
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            url = f"sqlite+aiosqlite:///{root / 'mcc.db'}"
            await asyncio.to_thread(upgrade, url)
            settings = Settings(
                data_dir=root / "data",
                database_url=url,
                port=0,
                temporal_address=env.client.service_client.config.target_host,
                temporal_task_queue=f"record-{uuid.uuid4().hex[:6]}",
                temporal_embedded=False,
            )
            server = MccServer(settings)
            await server.start()
            try:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as api:
                    await login_new_user(api, server, "history@example.com")
                    repo = make_repo(root / "src")
                    pid = (
                        await api.post(
                            "/api/projects", json={"name": "history", "repo_path": str(repo)}
                        )
                    ).json()["id"]
                    for number, decision in ((1, "approve"), (2, "reject")):
                        await api.post(
                            f"/api/projects/{pid}/issues",
                            json={"title": f"Issue {number}", "body": "Recorded."},
                        )
                        await wait_for_phase(api, pid, number, "awaiting_approval")
                        body = {"feedback": "no"} if decision == "reject" else None
                        await api.post(f"/api/projects/{pid}/issues/{number}/{decision}", json=body)
                        final = "done" if decision == "approve" else "rejected"
                        await wait_for_phase(api, pid, number, final)
                        history = await env.client.get_workflow_handle(
                            f"issue/history/{number}"
                        ).fetch_history()
                        out = HERE / f"issue_workflow_{final}.json"
                        out.write_text(history.to_json())
                        print(f"wrote {out}")
            finally:
                await server.stop()
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(record())
    sys.stdout.flush()
    os._exit(0)
