"""Opening an issue shows its header and decision buttons, at desktop and phone size, and
filing one never scrolls the window itself at desktop size (only the panes scroll)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_phase

pytestmark = pytest.mark.e2e
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = Path("/tmp/mcc-e2e-issue-in-view")  # left behind for a look (ignored by git)

# How far the window itself is scrolled, and how much taller than the window the page is.
WINDOW_SCROLL = """() => ({
    scrollY: window.scrollY,
    overflow: document.scrollingElement.scrollHeight - window.innerHeight,
})"""


async def project_with_an_issue_awaiting_approval(api, tmp_path: Path) -> int:
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"In view {uuid.uuid4().hex[:6]}"
    created = await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})
    pid: int = created.json()["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Hi."})
    await wait_for_phase(api, pid, 1, "awaiting_approval")
    return pid


async def log_in(page: Page, url: str) -> None:
    await page.goto(url)
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def issue_header_is_in_view(page: Page, label: str, phone: bool = False) -> None:
    """Once the diff (which loads last) is in, the title is on screen and so is the Approve
    button (on a phone, where the detail is taller than the screen, it is not above it)."""
    diff = page.get_by_role("region", name="Pull request diff")
    await expect(diff).to_contain_text("+", timeout=15_000)
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=str(SCREENSHOTS / f"{label}.png"))
    detail = page.get_by_role("region", name="Issue #1")
    await expect(detail.get_by_role("heading", name="Add a greeting")).to_be_in_viewport()
    approve = page.get_by_role("button", name="Approve", exact=True)
    if phone:
        box = await approve.bounding_box()
        assert box is not None and box["y"] >= 0, f"Approve is above the screen: {box}"
    else:
        await expect(approve).to_be_in_viewport()


@pytest.mark.parametrize("size", SIZES)
async def test_an_opened_issue_shows_its_header_and_decision(
    api, mcc: MccServer, browser: Browser, company, tmp_path, size: str
):
    pid = await project_with_an_issue_awaiting_approval(api, tmp_path)
    SCREENSHOTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport=SIZES[size])
    page = await context.new_page()
    base = f"http://127.0.0.1:{mcc.port}"

    # Loaded directly, from a link outside the app.
    await log_in(page, f"{base}/projects/{pid}/issues/1")
    await issue_header_is_in_view(page, f"direct-{size}", phone=size == "phone")

    # Picked in the issue list, below the detail of the stacked layout.
    await page.goto(f"{base}/projects/{pid}")
    await page.get_by_role("table").get_by_role("link", name="Add a greeting").click()
    await issue_header_is_in_view(page, f"clicked-{size}", phone=size == "phone")
    await context.close()


async def test_filing_an_issue_keeps_the_top_bar_on_screen(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    pid = await project_with_an_issue_awaiting_approval(api, tmp_path)
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
