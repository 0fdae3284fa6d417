"""Every top-level route of the dashboard at desktop and phone size: it renders its page,
the console stays clean, and a screenshot of each is left for a look."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_stored_phase

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path("/tmp/mcc-e2e-routes")  # left behind for a look (ignored by git)
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
async def test_every_route_renders_without_console_errors(
    api, mcc: MccServer, browser: Browser, company, tmp_path, size: str
):
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Routes {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Hi."})
    await wait_for_stored_phase(mcc.runtime.db, pid, 1, "awaiting_approval")

    context = await browser.new_context(viewport=SIZES[size])
    page = await context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    base = f"http://127.0.0.1:{mcc.port}"
    await page.goto(f"{base}/")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()

    # The dashboard leads with what waits for the person.
    needs_you = page.get_by_role("list", name="Needs you now")
    await expect(needs_you.get_by_role("link", name="Add a greeting")).to_be_visible()
    await expect(needs_you.get_by_text("Awaiting your approval")).to_be_visible()
    # Before logging in, the silent refresh without a cookie is a 401 the browser logs.
    assert [p for p in problems if "401" not in p] == []
    problems.clear()

    # Moved through as a person does, by the app's own links (at the API's default rate
    # limit: a full load boots the SPA afresh, its session, lists and bell).
    main, projects_nav = (page.get_by_role("navigation", name=n) for n in ("Main", "Projects"))
    pages = {
        "dashboard": (main.get_by_role("link", name="Dashboard"), "Dashboard"),
        "projects": (main.get_by_role("link", name="Projects"), "Projects"),
        "agents": (main.get_by_role("link", name="Agents"), "Agents"),
        "budget": (main.get_by_role("link", name="Budget"), "Budget"),
        "settings": (main.get_by_role("link", name="Settings"), "Settings"),
        "project": (projects_nav.get_by_role("link", name=name).first, name),
        "issue": (page.get_by_role("table").get_by_role("link", name="Add a greeting"), name),
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    in_menu = {"dashboard", "projects", "agents", "budget", "settings", "project"}
    for label, (link, heading) in pages.items():
        if label in in_menu:
            await open_menu_on_a_phone(page, size)
        await link.click()
        await expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=str(SCREENSHOTS / f"{label}-{size}.png"), full_page=True)
    # A stale link from outside the app.
    await page.goto(f"{base}/no/such/page")
    await expect(page.get_by_role("heading", name="Not found", exact=True)).to_be_visible()
    await page.screenshot(path=str(SCREENSHOTS / f"missing-{size}.png"), full_page=True)
    # The settings page is one route of anchored sections; a link to one opens there.
    await page.goto(f"{base}/settings#telegram")
    for section in ("LLM", "Sandbox", "GitHub", "Projects", "Telegram", "Notifications", "Account"):
        await expect(page.get_by_role("region", name=section, exact=True)).to_be_visible()
    await expect(page.get_by_role("region", name="Telegram", exact=True)).to_be_in_viewport()
    await page.get_by_role("button", name="Test connection").click()
    await expect(page.get_by_role("status").filter(has_text="answered and lists")).to_be_visible()
    await project_options_are_saved(page, api, pid)
    # The pull request's panel says what the repository's CI said (a local project has none).
    await open_menu_on_a_phone(page, size)
    await pages["project"][0].click()
    await pages["issue"][0].click()
    await expect(page.get_by_text("No CI configured", exact=True).first).to_be_visible()
    if size == "phone":
        await phone_layout_keeps_things_readable(page)
    # The budget page's cost per merged pull request; the issue list's filter lives in the URL.
    await open_menu_on_a_phone(page, size)
    await pages["budget"][0].click()
    trend = page.get_by_role("heading", name="Cost per merged pull request", exact=True)
    await expect(trend).to_be_visible()
    await page.goto(f"{base}/projects/{pid}?state=open&q=greet")
    await expect(page.get_by_role("link", name="Add a greeting", exact=True)).to_be_visible()
    await expect(page.get_by_role("searchbox")).to_have_value("greet")
    await page.goto(f"{base}/projects/{pid}?state=closed")
    await expect(page.get_by_text("No issue matches this filter.")).to_be_visible()
    await page.get_by_role("button", name="Show all issues").click()
    search = page.get_by_role("searchbox")
    await search.press_sequentially("a greeting", delay=20)  # typed: no key may be lost
    await expect(search).to_have_value("a greeting")
    await expect(page).to_have_url(f"{base}/projects/{pid}?q=a+greeting")
    await open_menu_on_a_phone(page, size)
    await pages["agents"][0].click()
    roster = (await api.get(f"/api/agents?project_id={pid}")).json()
    table = page.get_by_role("table", name="Agents")
    await expect(table.get_by_role("row")).to_have_count(1 + len(roster))
    assert problems == []
    await context.close()


async def open_menu_on_a_phone(page: Page, size: str) -> None:
    """At phone size the pages and projects are in the header's menu (closed by each link)."""
    if size == "phone":
        await page.get_by_role("button", name="Menu", expanded=False).click()


async def project_options_are_saved(page: Page, api, pid: int) -> None:
    """The Projects section of /settings saves the chosen project's options on the server."""
    projects = page.get_by_role("region", name="Projects", exact=True)
    await projects.get_by_role("combobox", name="Project").select_option(str(pid))
    await projects.get_by_role("textbox", name="Test command").fill("make check")
    await projects.get_by_role("checkbox", name="Wait for my approval of the spec").check()
    await projects.get_by_role("button", name="Save project options").click()
    await expect(projects.get_by_role("status")).to_have_text("Saved.")
    saved = (await api.get(f"/api/projects/{pid}")).json()
    assert saved["test_command"] == "make check" and saved["require_spec_approval"] is True


# The boxes of each agent's status dot and of its avatar's initials (the text's own box).
DOTS_AND_INITIALS = """dots => dots.map(dot => {
    const face = dot.parentElement.parentElement.firstElementChild;
    const range = document.createRange();
    range.selectNodeContents(face);
    const box = r => [r.left, r.top, r.right, r.bottom];
    return {initials: face.textContent, text: box(range.getBoundingClientRect()),
            dot: box(dot.getBoundingClientRect())};
})"""


async def phone_layout_keeps_things_readable(page: Page) -> None:
    """On the issue's page at 390 px: the issue comes before the channels, a title in the
    list is not cut down to a few letters, and the status dots leave the avatars' initials
    readable (the channels opened: they are folded to one row on a phone)."""
    detail = page.get_by_role("region", name="Issue #1")
    channels = page.get_by_role("navigation", name="Channels")
    await expect(detail).to_be_visible()
    await page.get_by_role("button", name="Channels", expanded=False).click()
    detail_box, channels_box = await detail.bounding_box(), await channels.bounding_box()
    assert detail_box and channels_box and detail_box["y"] < channels_box["y"]

    title = page.get_by_role("table").get_by_role("link", name="Add a greeting", exact=True)
    clipped = await title.evaluate(
        "el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1"
    )
    assert not clipped, "the issue's title is cut short in the list"

    dots = channels.locator("[data-status]")
    await expect(dots.first).to_be_visible()
    for avatar in await dots.evaluate_all(DOTS_AND_INITIALS):
        (tl, tt, tr, tb), (dl, dt, dr, db) = avatar["text"], avatar["dot"]
        apart = dl >= tr or dr <= tl or dt >= tb or db <= tt
        assert apart, f"the status dot covers the initials {avatar['initials']}: {avatar}"
