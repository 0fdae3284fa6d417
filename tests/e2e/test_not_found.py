"""A bad id (project, issue, agent, conversation) is one "not found" page in the app's frame,
never an error box per panel that asked."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import make_repo

pytestmark = pytest.mark.e2e


async def test_every_bad_id_is_one_not_found_page(api, mcc: MccServer, browser: Browser, tmp_path):
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Found {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    page = await browser.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The browser logs each refused request itself; anything else is the app's fault.
        if message.type == "error" and "status of 40" not in message.text:
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    base = f"http://127.0.0.1:{mcc.port}"
    await page.goto(f"{base}/projects/{pid}")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()

    for path in (
        "/projects/987654",
        f"/projects/{pid}/issues/4242",
        f"/projects/{pid}/agents/987654",
        f"/projects/{pid}/conversations/987654",
        "/projects/not-a-number",
    ):
        await page.goto(base + path)
        heading = page.get_by_role("heading", name="Not found", exact=True)
        await expect(heading).to_have_count(1)
        await page.wait_for_load_state("networkidle")
        await expect(heading).to_have_count(1)
        # No error box anywhere: the one page says it, with the way back.
        await expect(page.get_by_role("alert")).to_have_count(0)
        await expect(page.get_by_role("link", name="Back to the dashboard")).to_be_visible()
        # The app's frame stays: the navigation is still there.
        await expect(page.get_by_role("link", name="Projects").first).to_be_visible()
    assert problems == []
