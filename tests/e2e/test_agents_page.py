"""The `/agents` page in a browser: an agent added with a share (a share that does not fit is
refused next to the field), seen live in a second tab, deleted after asking; a rule file
edited and committed onto the default branch."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import git, make_repo

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path("/tmp/mcc-e2e-agents")  # left behind for a look (ignored by git)


async def _log_in(page: Page, base: str) -> None:
    await page.goto(f"{base}/agents")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def test_agents_are_added_seen_in_another_tab_deleted_and_their_rules_edited(
    api, mcc: MccServer, browser: Browser, tmp_path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n", ".mcc/AGENTS.md": "Old.\n"})
    name = f"Crew {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    base = f"http://127.0.0.1:{mcc.port}"
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # Chromium logs every failed request: the login's silent refresh (401) and the
        # share this test has refused on purpose (422) are expected.
        expected = ("status of 401", "status of 422")
        if message.type == "error" and not any(code in message.text for code in expected):
            problems.append(f"console: {message.text}")

    first, second = await context.new_page(), await context.new_page()
    for page in (first, second):
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    await _log_in(first, base)
    table = first.get_by_role("table", name="Agents")
    await expect(table.get_by_role("link", name="coder_1")).to_be_visible(timeout=15_000)
    await second.goto(f"{base}/agents")
    other_table = second.get_by_role("table", name="Agents")
    await expect(other_table.get_by_role("link", name="coder_1")).to_be_visible(timeout=15_000)

    form = first.get_by_role("form", name="New agent")
    await form.get_by_label("Project").select_option(label=name)
    await form.get_by_label("Name").fill("helper_1")
    share = form.get_by_label("Budget share (%, optional)")
    await share.fill("150")
    await form.get_by_role("button", name="Add agent").click()
    await expect(form.get_by_text("A share cannot be more than 100%.")).to_be_visible()
    await share.fill("30")
    await form.get_by_role("button", name="Add agent").click()
    await expect(form.get_by_text("helper_1 was added.")).to_be_visible()
    await expect(other_table.get_by_role("link", name="helper_1")).to_be_visible()  # live

    await form.get_by_label("Name").fill("helper_2")
    await share.fill("80")
    await form.get_by_role("button", name="Add agent").click()
    await expect(
        form.get_by_text(
            "The other agents of this project already have 30% of its budget, "
            "so this share can be at most 70%."
        )
    ).to_be_visible()
    await expect(table.get_by_role("link", name="helper_2")).to_have_count(0)

    row = table.get_by_role("row").filter(has=first.get_by_role("link", name="helper_1"))
    await row.get_by_role("button", name="Delete").click()
    await row.get_by_role("button", name="Delete helper_1").click()
    await expect(table.get_by_role("link", name="helper_1")).to_have_count(0)
    await expect(other_table.get_by_role("link", name="helper_1")).to_have_count(0)  # live

    rules = first.get_by_role("form", name="Rules in .mcc/AGENTS.md")
    await rules.get_by_label(".mcc/AGENTS.md").fill("Write the tests first.\n")
    await rules.get_by_role("button", name="Save to main").click()
    await expect(rules.get_by_text("Committed to main: the next task reads it.")).to_be_visible()
    origin = mcc.runtime.repos.origin(pid)
    assert git(origin, "show", "main:.mcc/AGENTS.md") == "Write the tests first.\n"
    # The missing files are proposed on a branch the person reviews in their repository.
    await first.get_by_role("button", name="Create rules files").click()
    await expect(
        first.get_by_text("Committed 5 template files on branch mcc/rules-files", exact=False)
    ).to_be_visible()
    assert ".mcc/coder.md" in git(repo, "ls-tree", "-r", "--name-only", "mcc/mcc/rules-files")
    SCREENSHOTS.mkdir(exist_ok=True)
    await table.screenshot(path=str(SCREENSHOTS / "agents-table-desktop.png"))
    await first.screenshot(path=str(SCREENSHOTS / "agents-desktop.png"), full_page=True)
    await first.set_viewport_size({"width": 390, "height": 844})
    await first.screenshot(path=str(SCREENSHOTS / "agents-phone.png"), full_page=True)
    assert problems == []
    await context.close()
