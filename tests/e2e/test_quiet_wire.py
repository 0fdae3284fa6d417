"""Two tabs watch one issue run from start to merge at the default rate limit: the socket
events keep both pages current, so neither tab comes near the limit (no 429) and each sends
at most 10 API requests in the minute it watches."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.async_api import Browser, Page, Request, Response, expect

from api.server import MccServer
from mcc.config import Settings
from tests.conftest import PASSWORD
from tests.support.repos import git, make_repo
from tests.support.settings import local_settings

pytestmark = pytest.mark.e2e

WATCH_S = 60
PER_TAB_PER_MINUTE = 10


@pytest.fixture
def settings(tmp_path: Path, database_url: str, temporal_address: str, llm) -> Settings:
    """As a person runs MCC: the default rate limit."""
    defaults = Settings()
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-e2e-wire",
        llm_base_url=llm.base_url,
        rate_limit_per_minute=defaults.rate_limit_per_minute,
        login_failures_per_minute=defaults.login_failures_per_minute,
    )


@dataclass
class Wire:
    """The API requests one tab sent, with when, and every 429 it got."""

    requests: list[tuple[float, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_request(request: Request) -> None:
            path = urlparse(request.url).path
            if path.startswith("/api/"):
                self.requests.append((time.monotonic(), f"{request.method} {path}"))

        def on_response(response: Response) -> None:
            if response.status == 429:
                self.refused.append(response.url)

        page.on("request", on_request)
        page.on("response", on_response)

    def since(self, start: float) -> list[str]:
        return [what for at, what in self.requests if at >= start]


async def test_two_tabs_watch_an_issue_to_merge_without_hitting_the_rate_limit(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    project = (
        await api.post(
            "/api/projects", json={"name": f"Wire {uuid.uuid4().hex[:6]}", "repo_path": str(repo)}
        )
    ).json()
    pid = project["id"]
    base = f"http://127.0.0.1:{mcc.port}"

    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    first, second = await context.new_page(), await context.new_page()
    wires = {"first": Wire(), "second": Wire()}
    wires["first"].watch(first)
    wires["second"].watch(second)

    await first.goto(f"{base}/projects/{pid}")
    await first.get_by_label("Email").fill("owner@example.com")
    await first.get_by_label("Password").fill(PASSWORD)
    await first.get_by_role("button", name="Log in").click()
    await expect(first.get_by_role("heading", name=project["name"])).to_be_visible()
    await second.goto(f"{base}/projects/{pid}")  # the session cookie logs the tab in
    await expect(second.get_by_role("heading", name=project["name"])).to_be_visible()
    for page in (first, second):
        await page.wait_for_load_state("networkidle")

    # The person files the issue elsewhere; both tabs pick it up and watch it run.
    watching = time.monotonic()
    created = await api.post(
        f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Say hello."}
    )
    assert created.status_code == 201
    # The second tab opens the issue as soon as it shows up, and watches it there.
    await second.get_by_role("link", name="Add a greeting", exact=True).click()
    for page in (first, second):
        phase = page.get_by_role("status", name="phase of issue #1", exact=True)
        await expect(phase).to_have_attribute("data-phase", "awaiting_approval", timeout=45_000)
    shown = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    approved = await api.post(
        f"/api/projects/{pid}/issues/1/approve",
        json={"round": shown["round"], "head": shown["head"]},
    )
    assert approved.status_code == 202, approved.text
    for page in (first, second):
        phase = page.get_by_role("status", name="phase of issue #1", exact=True)
        await expect(phase).to_have_attribute("data-phase", "done", timeout=30_000)
    ran_s = time.monotonic() - watching
    await asyncio.sleep(max(0.0, WATCH_S - ran_s))  # the rest of the minute, still watching

    # What the tabs show, kept from events, is what the server has: every conversation, none live.
    conversations = (await api.get(f"/api/projects/{pid}/conversations")).json()
    assert len(conversations) >= 5 and all(c["status"] == "finished" for c in conversations)
    for page in (first, second):
        channels = page.get_by_role("region", name="Conversations")
        await expect(channels.get_by_role("link")).to_have_count(len(conversations))
        for conversation in conversations:
            link = channels.locator(f'a[href$="/conversations/{conversation["id"]}"]')
            await expect(link).to_have_accessible_description(re.compile(r", finished"))
            await expect(link).not_to_contain_text("live")
    origin = mcc.runtime.repos.origin(pid)
    assert len(git(origin, "rev-list", "--parents", "-n", "1", "main").split()) == 3
    report = {name: wire.since(watching) for name, wire in wires.items()}
    print(f"run to merge: {ran_s:.1f}s; API requests per tab in the watched minute:")
    for name, sent in report.items():
        print(f"  {name}: {len(sent)} (page load: {len(wires[name].requests) - len(sent)})")
        for what in sent:
            print(f"    {what}")
    assert not wires["first"].refused and not wires["second"].refused
    for name, sent in report.items():
        assert len(sent) <= PER_TAB_PER_MINUTE, f"{name} tab: {len(sent)} requests: {sent}"
    await context.close()
