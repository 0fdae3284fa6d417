"""Opening an issue shows its header and decision buttons, at desktop and phone size (where
the app's header is one short row with a menu), and filing one never scrolls the window
itself at desktop size (only the panes scroll)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_stored_phase

pytestmark = pytest.mark.e2e
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = Path("/tmp/mcc-e2e-issue-in-view")  # left behind for a look (ignored by git)

# How far the window itself is scrolled, and how much taller than the window the page is.
WINDOW_SCROLL = """() => ({
    scrollY: window.scrollY,
    overflow: document.scrollingElement.scrollHeight - window.innerHeight,
})"""


async def project_with_an_issue_awaiting_approval(
    api, mcc: MccServer, tmp_path: Path
) -> tuple[int, str]:
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"In view {uuid.uuid4().hex[:6]}"
    created = await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
    pid: int = created.json()["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Hi."})
    await wait_for_stored_phase(mcc.runtime.db, pid, 1, "awaiting_approval")
    return pid, name


async def log_in(page: Page, url: str) -> None:
    await page.goto(url)
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def issue_header_is_in_view(page: Page, label: str) -> None:
    """Once the diff (which loads last) is in, the title is on screen and so is the Approve
    button, without the person scrolling (on a phone too)."""
    diff = page.get_by_role("region", name="Pull request diff")
    await expect(diff).to_contain_text("+", timeout=15_000)
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=str(SCREENSHOTS / f"{label}.png"))
    detail = page.get_by_role("region", name="Issue #1")
    await expect(detail.get_by_role("heading", name="Add a greeting")).to_be_in_viewport()
    await expect(page.get_by_role("button", name="Approve", exact=True)).to_be_in_viewport()


async def header_is_one_row_with_a_menu(page: Page, project: str) -> None:
    """At phone size the app's header is one short row; the pages, the projects and the account
    are in its menu, which a followed link closes."""
    header = await page.get_by_role("banner").bounding_box()
    assert header is not None and header["height"] <= 56, f"the header is {header}"
    main_nav = page.get_by_role("navigation", name="Main")
    await expect(main_nav).to_be_hidden()
    await page.get_by_role("button", name="Menu").click()
    projects = page.get_by_role("navigation", name="Projects")
    await expect(projects.get_by_role("link", name=project)).to_be_visible()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    await main_nav.get_by_role("link", name="Projects").click()
    await expect(page.get_by_role("heading", name="Projects", level=1)).to_be_visible()
    await expect(main_nav).to_be_hidden()
    # Any navigation closes it, not only its own links (here the browser's back button).
    await page.get_by_role("button", name="Menu").click()
    await expect(main_nav).to_be_visible()
    await page.go_back()
    await expect(main_nav).to_be_hidden()


async def header_shows_its_links(page: Page) -> None:
    """From md up the header and the sidebar are as they were: every link shown, no menu."""
    await expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    main_nav = page.get_by_role("navigation", name="Main")
    await expect(main_nav.get_by_role("link", name="Settings")).to_be_in_viewport()
    await expect(page.get_by_role("button", name="Log out")).to_be_in_viewport()
    await expect(page.get_by_role("navigation", name="Projects")).to_be_in_viewport()


@pytest.mark.parametrize("size", SIZES)
async def test_an_opened_issue_shows_its_header_and_decision(
    api, mcc: MccServer, browser: Browser, company, tmp_path, size: str
):
    pid, name = await project_with_an_issue_awaiting_approval(api, mcc, tmp_path)
    SCREENSHOTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport=SIZES[size])
    page = await context.new_page()
    base = f"http://127.0.0.1:{mcc.port}"

    # Loaded directly, from a link outside the app.
    await log_in(page, f"{base}/projects/{pid}/issues/1")
    await issue_header_is_in_view(page, f"direct-{size}")

    # Picked in the issue list, below the detail of the stacked layout.
    await page.goto(f"{base}/projects/{pid}")
    await page.get_by_role("table").get_by_role("link", name="Add a greeting").click()
    await issue_header_is_in_view(page, f"clicked-{size}")

    if size == "phone":
        await header_is_one_row_with_a_menu(page, name)
    else:
        await header_shows_its_links(page)
    await context.close()


async def test_filing_an_issue_keeps_the_top_bar_on_screen(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    pid, _ = await project_with_an_issue_awaiting_approval(api, mcc, tmp_path)
    SCREENSHOTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport=SIZES["desktop"])
    page = await context.new_page()
    await log_in(page, f"http://127.0.0.1:{mcc.port}/projects/{pid}/issues/1")
    await issue_header_is_in_view(page, "before-create")

    new_issue = page.get_by_role("form", name="New issue")
    await new_issue.get_by_label("Title").fill("Add a farewell")
    await new_issue.get_by_role("button", name="Create issue").click()
    await expect(page.get_by_role("region", name="Issue #2")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=str(SCREENSHOTS / "after-create.png"))

    # At desktop size the layout is exactly the window's height: only its panes scroll.
    assert await page.evaluate(WINDOW_SCROLL) == {"scrollY": 0, "overflow": 0}
    await expect(page.get_by_role("button", name="Emergency pause")).to_be_in_viewport()
    await page.mouse.wheel(0, -2000)
    assert await page.evaluate(WINDOW_SCROLL) == {"scrollY": 0, "overflow": 0}
    await context.close()
