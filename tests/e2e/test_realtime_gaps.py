"""A page watching a run loses its socket mid-run (a dropped connection; a restarted
server) and comes back: what it shows then is what the server has, nothing missing,
nothing doubled."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from api.server import MccServer
from mcc.db.migrate import upgrade
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
from tests.support.processes import MCC, kill_hard, mcc_env, start_mcc, stop
from tests.support.repos import make_repo
from tests.support.settings import local_settings
from tests.support.waiting import eventually, wait_for_phase

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path):
    """The browser test runs once, on the embedded default (SQLite)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    upgrade(url)
    return url


async def reviewer_conversation(client: httpx.AsyncClient, pid: int) -> dict:
    """The reviewer's conversation, once its run has started (its answer is held)."""
    agents = (await client.get(f"/api/agents?project_id={pid}")).json()
    reviewer = next(a["id"] for a in agents if a["name"] == "reviewer")

    async def found() -> dict | None:
        conversations = (await client.get(f"/api/projects/{pid}/conversations")).json()
        return next((c for c in conversations if c["agent_id"] == reviewer), None)

    return await eventually(found, 60, "the reviewer's conversation")


async def watch_reviewer(page: Page, base: str, client: httpx.AsyncClient, pid: int) -> int:
    """Open the reviewer's conversation (held at its first answer) and wait until the page
    shows what the server has."""
    conversation = await reviewer_conversation(client, pid)
    cid = int(conversation["id"])
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
    cid = await watch_reviewer(page, base, api, pid)
    before = await api.get(f"/api/conversations/{cid}/messages")

    # The socket drops; the reviewer answers, its run ends and the issue waits for the
    # person, all while the page hears nothing.
    await cut.cut()
    connection = page.locator("header [data-status]")
    await expect(connection).to_have_attribute("data-status", "connecting")
    reviewer.set()
    await wait_for_phase(api, pid, 1, "awaiting_approval", timeout_s=60)
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
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"{url}/api/health")).status_code == 200
    except httpx.HTTPError:
        return False


async def test_a_page_that_watches_a_run_while_mcc_restarts_shows_the_server_state_after(
    browser: Browser, company: Company, llm, temporal_address: str, tmp_path: Path
):
    """`mcc up` (the API and its worker in one process) killed -9 mid-run and started
    again: the page reconnects to a server that has forgotten every room's numbers (a new
    epoch), is told to resync, and refetches what it shows."""
    reviewer = company.held["reviewer"] = threading.Event()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    settings = local_settings(
        tmp_path / "data", database_url, temporal_address, "e2e-restart", llm_base_url=llm.base_url
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = mcc_env(
        settings,
        MCC_HOST="127.0.0.1",
        MCC_PORT=str(port),
        MCC_SECRET_KEY=uuid.uuid4().hex * 2,  # the page's session outlives the process
        MCC_FRONTEND_DIST=str(settings.frontend_dist),
        MCC_RATE_LIMIT_PER_MINUTE="100000",  # the test polls REST
    )
    log = tmp_path / "mcc.log"
    created = subprocess.run(
        [*MCC, "user", "create", "--email", "owner@example.com", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    server = start_mcc("up", env, log)
    client = httpx.AsyncClient(base_url=base, timeout=30)
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        await eventually(lambda: _healthy(base), 90, "mcc up to be healthy")
        login = await client.post(
            "/api/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
        )
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
        name = f"Restart {uuid.uuid4().hex[:6]}"
        project = await client.post("/api/projects", json={"name": name, "repo_path": str(repo)})
        pid = project.json()["id"]

        page = await context.new_page()
        requests = ApiRequests()
        requests.watch(page)
        await log_in(page, f"{base}/projects/{pid}")
        await expect(page.get_by_role("heading", name=name)).to_be_visible()
        filed = await client.post(
            f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Say hello."}
        )
        assert filed.status_code == 201
        cid = await watch_reviewer(page, base, client, pid)

        # The process dies inside the reviewer's step; the page loses its socket.
        kill_hard(server)
        connection = page.locator("header [data-status]")
        await expect(connection).to_have_attribute("data-status", "connecting")
        reviewer.set()
        await asyncio.sleep(2)  # a few reconnect attempts find nobody
        restarted = time.monotonic()
        server = start_mcc("up", env, log)
        await eventually(lambda: _healthy(base), 90, "mcc up to be healthy again")
        await expect(connection).to_have_attribute("data-status", "connected", timeout=15_000)

        # The run goes on from where it was (the reviewer's step is tried again).
        await wait_for_phase(client, pid, 1, "awaiting_approval", timeout_s=90)
        await expect_conversation_as_on_server(page, client, cid)
        await expect_channels_as_on_server(page, client, pid)
        # The new process numbers its rooms afresh: the page was told so and refetched.
        refetched = [r for r in requests.since(restarted) if r.endswith(f"/{cid}/messages")]
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
        stop(server)
