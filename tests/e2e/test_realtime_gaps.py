"""A page watching a run loses its socket mid-run (a dropped connection; a restarted
server) and comes back: what it shows then is what the server has, nothing missing,
nothing doubled."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import func, select

from api.server import MccServer
from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation
from mcc.models.message import Message
from tests.conftest import PASSWORD, free_port
from tests.e2e.realtime_page import (
    ApiRequests,
    SocketCut,
    expect_channels_as_on_server,
    expect_conversation_as_on_server,
    expect_phase,
    log_in,
)
from tests.support.company import Company
from tests.support.http import local_client
from tests.support.postgres import temporary_database
from tests.support.processes import MCC, kill_hard, mcc_env, start_mcc, stop
from tests.support.repos import make_repo
from tests.support.services import empty_redis_database
from tests.support.settings import local_settings
from tests.support.waiting import eventually, wait_for_stored_phase

pytestmark = pytest.mark.e2e


async def reviewer_conversation(db: Database, pid: int) -> int:
    """The reviewer's conversation, once its run has started (its answer is held). Read from
    the database: polling the API as the person would spend the page's rate-limit window."""

    async def found() -> int | None:
        async with db.sessions() as session:
            return await session.scalar(
                select(Conversation.id)
                .join(Agent, Agent.id == Conversation.agent_id)
                .where(Conversation.project_id == pid, Agent.name == "reviewer")
            )

    return await eventually(found, 60, "the reviewer's conversation")


async def watch_reviewer(page: Page, client: httpx.AsyncClient, db: Database, pid: int) -> int:
    """Open the reviewer's conversation (held at its first answer) and wait until the page
    shows what the server has."""
    cid = await reviewer_conversation(db, pid)
    await (
        page.get_by_role("navigation", name="Channels")
        .locator(f'a[href$="/conversations/{cid}"]')
        .click()
    )
    await expect_conversation_as_on_server(page, client, cid)
    return cid


async def test_a_page_that_loses_its_socket_mid_run_catches_up_without_gaps_or_doubles(
    api: httpx.AsyncClient, mcc: MccServer, browser: Browser, company: Company, tmp_path
):
    # The reviewer's answers wait, so the test knows where the run is when the socket drops.
    reviewer = company.held["reviewer"] = threading.Event()
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Drop {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    base = f"http://127.0.0.1:{mcc.port}"
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    cut = SocketCut()
    await cut.install(page)
    requests = ApiRequests()
    requests.watch(page)
    await log_in(page, f"{base}/projects/{pid}")
    await expect(page.get_by_role("heading", name=name)).to_be_visible()

    filed = await api.post(
        f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Say hello."}
    )
    assert filed.status_code == 201
    cid = await watch_reviewer(page, api, mcc.runtime.db, pid)
    before = await api.get(f"/api/conversations/{cid}/messages")

    # The socket drops; the reviewer answers, its run ends and the issue waits for the
    # person, all while the page hears nothing.
    await cut.cut()
    connection = page.locator("header [data-status]")
    await expect(connection).to_have_attribute("data-status", "connecting")
    reviewer.set()
    await wait_for_stored_phase(mcc.runtime.db, pid, 1, "awaiting_approval", timeout_s=60)
    after = (await api.get(f"/api/conversations/{cid}/messages")).json()
    assert len(after) > len(before.json()), "nothing happened while the socket was down"
    await asyncio.sleep(3)  # a few reconnect attempts fail too
    assert cut.refused > 0
    restored = time.monotonic()
    cut.restore()
    await expect(connection).to_have_attribute("data-status", "connected", timeout=15_000)

    # Back: the missed events are replayed into the page (no refetch of the messages).
    await expect_conversation_as_on_server(page, api, cid)
    await expect_channels_as_on_server(page, api, pid)
    refetched = [r for r in requests.since(restored) if r.endswith(f"/{cid}/messages")]
    assert refetched == [], f"the messages were refetched, not replayed: {refetched}"
    # The phase changed while the page was away: the overview shows the new one.
    await (
        page.get_by_role("navigation", name="Channels").get_by_role("link", name="Overview").click()
    )
    await expect_phase(page, "awaiting_approval", timeout_ms=5_000)

    # And it keeps up live: the person approves and the page follows the run to its end.
    shown = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    approved = await api.post(
        f"/api/projects/{pid}/issues/1/approve",
        json={"round": shown["round"], "head": shown["head"]},
    )
    assert approved.status_code == 202, approved.text
    await expect_phase(page, "done")
    await expect_channels_as_on_server(page, api, pid)
    print(f"API requests after the socket came back: {requests.since(restored)}")
    await context.close()


async def _healthy(url: str) -> bool:
    try:
        async with local_client(timeout=2) as client:
            return (await client.get(f"{url}/api/health")).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Deployment:
    """MCC as separate processes: `mcc up` (API and worker in one), or `mcc api` with a
    `mcc worker` beside it (scaled mode: PostgreSQL, and Redis for events and their log)."""

    scaled: bool
    env: dict[str, str]
    log: Path
    api: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    def start_api(self) -> None:
        self.api = start_mcc("api" if self.scaled else "up", self.env, self.log)

    def start(self) -> None:
        self.start_api()
        if self.scaled:
            self.worker = start_mcc("worker", self.env, self.log)

    def stop(self) -> None:
        for process in (self.api, self.worker):
            if process is not None:
                stop(process)


@contextlib.asynccontextmanager
async def deployment(
    mode: str, tmp_path: Path, temporal_address: str, llm_base_url: str, port: int
) -> AsyncIterator[Deployment]:
    scaled = mode == "scaled"
    async with contextlib.AsyncExitStack() as stack:
        if scaled:
            database_url = await stack.enter_async_context(temporary_database())
            await asyncio.to_thread(upgrade, database_url)
        else:
            database_url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
        settings = local_settings(
            tmp_path / "data",
            database_url,
            temporal_address,
            "e2e-restart",
            llm_base_url=llm_base_url,
        )
        env = mcc_env(
            settings,
            MCC_HOST="127.0.0.1",
            MCC_PORT=str(port),
            MCC_SECRET_KEY=uuid.uuid4().hex * 2,  # the page's session outlives the process
            MCC_FRONTEND_DIST=str(settings.frontend_dist),
            **({"MCC_REDIS_URL": empty_redis_database()} if scaled else {}),
        )
        created = subprocess.run(
            [*MCC, "user", "create", "--email", "owner@example.com", "--password-stdin"],
            input=PASSWORD + "\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stderr
        running = Deployment(scaled, env, tmp_path / "mcc.log")
        running.start()
        try:
            yield running
        finally:
            running.stop()


@pytest.mark.parametrize("mode", ["embedded", "scaled"])
async def test_a_page_that_watches_a_run_while_the_api_restarts_shows_the_server_state_after(
    browser: Browser, company: Company, llm, temporal_address: str, tmp_path: Path, mode: str
):
    """The API process killed -9 mid-run and started again. Embedded (`mcc up`), the
    worker dies with it and the new process has forgotten every room's numbers: the page is
    told to resync and refetches. Scaled, the worker goes on while the API is down and the
    log lives in Redis: the page gets what it missed replayed."""
    reviewer = company.held["reviewer"] = threading.Event()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    client = local_client(base_url=base, timeout=30)
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    async with deployment(mode, tmp_path, temporal_address, llm.base_url, port) as mcc:
        stored = Database(mcc.env["MCC_DATABASE_URL"])
        try:
            await eventually(lambda: _healthy(base), 90, "MCC to be healthy")
            login = await client.post(
                "/api/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
            )
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
            name = f"Restart {uuid.uuid4().hex[:6]}"
            project = await client.post(
                "/api/projects", json={"name": name, "repo_path": str(repo)}
            )
            pid = project.json()["id"]

            page = await context.new_page()
            requests = ApiRequests()
            requests.watch(page)
            await log_in(page, f"{base}/projects/{pid}")
            await expect(page.get_by_role("heading", name=name)).to_be_visible()
            filed = await client.post(
                f"/api/projects/{pid}/issues",
                json={"title": "Add a greeting", "body": "Say hello."},
            )
            assert filed.status_code == 201
            cid = await watch_reviewer(page, client, stored, pid)
            before = len((await client.get(f"/api/conversations/{cid}/messages")).json())

            # The API dies inside the reviewer's step; the page loses its socket.
            assert mcc.api is not None
            kill_hard(mcc.api)
            connection = page.locator("header [data-status]")
            await expect(connection).to_have_attribute("data-status", "connecting")
            reviewer.set()
            if mcc.scaled:
                # The worker goes on: the reviewer answers while no API serves the page.
                await eventually(
                    lambda: _more_messages(mcc.env, cid, before), 60, "the reviewer's answer"
                )
            else:
                await asyncio.sleep(2)  # a few reconnect attempts find nobody
            restarted = time.monotonic()
            mcc.start_api()
            await eventually(lambda: _healthy(base), 90, "the API to be healthy again")
            await expect(connection).to_have_attribute("data-status", "connected", timeout=15_000)

            # The run goes on from where it was (embedded: the reviewer's step is tried again).
            await wait_for_stored_phase(stored, pid, 1, "awaiting_approval", timeout_s=90)
            await expect_conversation_as_on_server(page, client, cid)
            await expect_channels_as_on_server(page, client, pid)
            refetched = [r for r in requests.since(restarted) if r.endswith(f"/{cid}/messages")]
            if mcc.scaled:
                assert refetched == [], f"the messages were refetched, not replayed: {refetched}"
            else:
                assert refetched, "the page did not refetch after the server forgot its numbers"
            await (
                page.get_by_role("navigation", name="Channels")
                .get_by_role("link", name="Overview")
                .click()
            )
            await expect_phase(page, "awaiting_approval", timeout_ms=5_000)

            shown = (await client.get(f"/api/projects/{pid}/issues/1")).json()
            approved = await client.post(
                f"/api/projects/{pid}/issues/1/approve",
                json={"round": shown["round"], "head": shown["head"]},
            )
            assert approved.status_code == 202, approved.text
            await expect_phase(page, "done")
            await expect_channels_as_on_server(page, client, pid)
        finally:
            await context.close()
            await client.aclose()
            await stored.dispose()


async def _more_messages(env: dict[str, str], conversation_id: int, than: int) -> bool:
    """Whether the conversation has more than `than` messages (read from the database: no
    API answers)."""
    db = Database(env["MCC_DATABASE_URL"])
    try:
        async with db.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.conversation_id == conversation_id)
            )
    finally:
        await db.dispose()
    return int(count or 0) > than
