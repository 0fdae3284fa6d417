"""/projects in the browser: rename, archive (hidden until asked for), delete after typing the
name, and another tab that follows without reloading."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import make_repo

pytestmark = pytest.mark.e2e


async def _logged_in(browser: Browser, base: str, problems: list[str]) -> Page:
    page = await browser.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "status of 401" not in message.text:
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    await page.goto(f"{base}/projects")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Projects", exact=True).first).to_be_visible()
    return page


async def test_rename_archive_and_delete_a_project_while_another_tab_follows(
    api, mcc: MccServer, browser: Browser, tmp_path
):
    suffix = uuid.uuid4().hex[:6]
    old, new = f"Old {suffix}", f"New {suffix}"
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    created = await api.post("/api/projects", json={"name": old, "repo_path": str(repo)})
    pid = created.json()["id"]
    base = f"http://127.0.0.1:{mcc.port}"
    problems: list[str] = []
    page = await _logged_in(browser, base, problems)
    other = await _logged_in(browser, base, problems)
    rows = page.get_by_role("table")
    watching = other.get_by_role("table")
    await expect(watching.get_by_role("link", name=old, exact=True)).to_be_visible()

    # Rename: the other tab follows from the event.
    await page.get_by_role("button", name=f"Rename {old}").click()
    await page.get_by_label("New name").fill(new)
    await page.get_by_role("button", name="Save name").click()
    await expect(rows.get_by_role("link", name=new, exact=True)).to_be_visible()
    await expect(watching.get_by_role("link", name=new, exact=True)).to_be_visible()

    # Archive: hidden by default, shown with "Show archived" (which survives a reload).
    await page.get_by_role("button", name=f"Archive {new}").click()
    await page.get_by_role("button", name="Archive this project").click()  # asked first
    await expect(page.get_by_text("Every project is archived.")).to_be_visible()
    await expect(watching.get_by_role("link", name=new, exact=True)).to_have_count(0)
    await page.get_by_label("Show archived").check()
    await expect(page).to_have_url(f"{base}/projects?archived=1")
    await page.reload()
    await expect(rows.get_by_role("link", name=new, exact=True)).to_be_visible()
    await expect(page.get_by_text("archived", exact=True)).to_be_visible()

    # Delete asks for the name first, then the project is gone here and in the other tab.
    await other.get_by_label("Show archived").check()
    await expect(watching.get_by_role("link", name=new, exact=True)).to_be_visible()
    await page.get_by_role("button", name=f"Delete {new}").click()
    confirm = page.get_by_role("button", name="Delete this project")
    await expect(confirm).to_be_disabled()
    # The table fits its card at 1280 px with the question open: no name out of sight sideways.
    assert await rows.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    await page.get_by_label("Type the project's name to confirm").fill(old)
    await expect(confirm).to_be_disabled()
    await page.get_by_label("Type the project's name to confirm").fill(new)
    await confirm.click()
    await expect(page.get_by_text("No projects yet.")).to_be_visible()
    await expect(watching.get_by_role("link", name=new, exact=True)).to_have_count(0)
    assert (await api.get(f"/api/projects/{pid}")).status_code == 404
    assert problems == []
