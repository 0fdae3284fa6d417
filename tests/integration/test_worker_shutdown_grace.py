"""A worker told to stop (SIGTERM, Ctrl-C) lets the steps under way finish before it
goes: an LLM answer it cut off would be paid for, and asked (and paid) again when the
run resumes."""

from __future__ import annotations

import asyncio
import threading
import uuid

from sqlalchemy import func, select

from api.server import MccServer
from mcc.config import Settings
from mcc.models.token_usage import TokenUsage
from tests.conftest import PASSWORD, login_new_user
from tests.support.http import local_client
from tests.support.repos import make_repo
from tests.support.waiting import eventually, wait_for_phase

DEFAULT_GRACE_S = Settings.model_fields["worker_shutdown_grace_s"].default


async def test_a_stopping_worker_lets_the_llm_call_under_way_finish_and_pays_it_once(
    settings, company, llm, tmp_path
):
    settings = settings.model_copy(update={"worker_shutdown_grace_s": DEFAULT_GRACE_S})
    architect = company.held["architect"] = threading.Event()
    first = MccServer(settings)
    await first.start()
    async with local_client(base_url=f"http://127.0.0.1:{first.port}") as api:
        await login_new_user(api, first, "owner@example.com")
        repo = make_repo(tmp_path / "src")
        name = f"Grace {uuid.uuid4().hex[:6]}"
        project = await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
        pid = project.json()["id"]
        await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "x"})

        async def asked() -> bool:
            return len(llm.chat_requests) > 0

        await eventually(asked, 60, "the architect's first call")
    stopping = asyncio.create_task(first.stop())
    await asyncio.sleep(1)
    assert not stopping.done()  # it waits for the architect's answer
    architect.set()
    await asyncio.wait_for(stopping, DEFAULT_GRACE_S)

    second = MccServer(settings)
    await second.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{second.port}") as api:
            login = await api.post(
                "/api/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
            )
            api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            await wait_for_phase(api, pid, 1, "awaiting_approval", 90)
        async with second.runtime.db.sessions() as session:
            charged = await session.scalar(select(func.count()).select_from(TokenUsage))
    finally:
        await second.stop()
    # Every call the LLM server answered was kept and charged: none was asked twice.
    assert len(llm.chat_requests) == charged
