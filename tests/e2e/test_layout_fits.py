"""Layout facts a person notices in the first hour: a toast hides no control, the header is one
line from a tablet to a wide screen, a new page opens at its top (a conversation at its newest
message), and on a phone nothing is cut off and the channels are not buried under the whole page."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from api.server import MccServer
from mcc.notifications import Kind, Notification
from tests.conftest import PASSWORD
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_stored_phase

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


async def awaiting_project(api, mcc: MccServer, tmp_path, title: str = "Add a greeting") -> int:
    """A project whose issue #1 waits for the person's decision (so its run has conversations)."""
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Layout {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    await api.post(f"/api/projects/{pid}/issues", json={"title": title, "body": "Hi."})
    await wait_for_stored_phase(mcc.runtime.db, pid, 1, "awaiting_approval")
    return pid


async def logged_in(browser: Browser, mcc: MccServer, viewport: dict[str, int]) -> Page:
    page = await (await browser.new_context(viewport=viewport)).new_page()
    await page.goto(f"http://127.0.0.1:{mcc.port}/")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("list", name="Needs you now")).to_be_visible(timeout=15_000)
    return page


async def box(locator: Locator) -> tuple[float, float, float, float]:
    found = await locator.bounding_box()
    assert found is not None, f"{locator} has no box"
    return found["x"], found["y"], found["x"] + found["width"], found["y"] + found["height"]


async def assert_apart(toast: Locator, control: Locator, what: str) -> None:
    (tl, tt, tr, tb), (cl, ct, cr, cb) = await box(toast), await box(control)
    apart = cl >= tr or cr <= tl or ct >= tb or cb <= tt
    assert apart, f"the toast covers {what}: toast {(tl, tt, tr, tb)}, {what} {(cl, ct, cr, cb)}"


async def toast_arrives(api, mcc: MccServer, page: Page) -> Locator:
    key = uuid.uuid4().hex[:6]
    await mcc.runtime.notifications.notify(
        api._user_id,
        Notification(
            Kind.NEEDS_ATTENTION,
            f"needs_attention:{key}",
            f"#7 Flaky {key} needs your attention",
            "the merge failed",
            level="warning",
        ),
    )
    toast = page.get_by_role("alert").filter(has_text=f"#7 Flaky {key}")
    await expect(toast).to_be_visible(timeout=15_000)
    return toast


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_toast_covers_no_control_a_person_needs(
    api, mcc: MccServer, browser: Browser, company, tmp_path, size: str
):
    pid = await awaiting_project(api, mcc, tmp_path)
    page = await logged_in(browser, mcc, DESKTOP if size == "desktop" else PHONE)
    base = f"http://127.0.0.1:{mcc.port}/projects/{pid}"
    if size == "desktop":
        # A conversation's composer sits at the bottom right, where a corner toast would cover it.
        conversations = (await api.get(f"/api/projects/{pid}/conversations")).json()
        await page.goto(f"{base}/conversations/{conversations[0]['id']}")
        controls = {"Send": page.get_by_role("button", name="Send")}
    else:
        await page.goto(f"{base}/issues/1")
        approve = page.get_by_role("button", name="Approve", exact=True)
        await approve.scroll_into_view_if_needed()
        controls = {
            "Approve": approve,
            "Reject": page.get_by_role("button", name="Reject", exact=True),
        }
    controls["Emergency pause"] = page.get_by_role("button", name="Emergency pause")
    for control in controls.values():
        await expect(control).to_be_visible()
    toasts = [await toast_arrives(api, mcc, page) for _ in range(2)]
    await page.screenshot(path=f"/tmp/mcc-e2e-routes/toast-{size}.png")
    for toast in toasts:
        for what, control in controls.items():
            await assert_apart(toast, control, what)
    # Dismissing one gives its room back; the other stays.
    await toasts[0].get_by_role("button", name="Dismiss notification").click()
    await expect(toasts[0]).to_be_hidden()
    await expect(toasts[1]).to_be_visible()


# Every width a laptop or a tablet's landscape window has, from where the sidebar shows (md).
HEADER_WIDTHS = (768, 900, 1024, 1152, 1280, 1366, 1440, 1536, 1920)
# From a common laptop's width the header says "Log out" in words, not only with its icon.
LOG_OUT_IN_WORDS_FROM = 1366

# The header's words that take more than one line (a button's "Resume all" on two lines fits a fixed
# height but reads as two rows); words for screen readers only (1 px boxes) do not count.
WRAPPED_WORDS = """h => {
    const shown = el => { for (; el && el !== h; el = el.parentElement)
        if (el.getBoundingClientRect().width <= 1) return false; return true; };
    const wrapped = [];
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim() || !shown(node.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) wrapped.push(node.textContent.trim());
    }
    return wrapped;
}"""


async def header_lines(page: Page, header: Locator, label: str) -> dict[str, str]:
    """What is wrong with the header at each width: its height if it wraps, an overflow, words
    on two lines (a screenshot of each width under /tmp). Nothing a person needs is gone at any
    width: every page link, the pause and the account; "Log out" is in words on a laptop."""
    main = page.get_by_role("navigation", name="Main")
    faults = {}
    for width in HEADER_WIDTHS:
        await page.set_viewport_size({"width": width, "height": 768})
        _, top, _, bottom = await box(header)
        fault = []
        if bottom - top > 50:
            fault.append(f"{bottom - top} px high")
        if await header.evaluate("h => h.scrollWidth > h.clientWidth + 1"):
            fault.append("overflows")
        if wrapped := await header.evaluate(WRAPPED_WORDS):
            fault.append(f"wraps {wrapped}")
        if fault:
            faults[f"{width}/{label}"] = ", ".join(fault)
        await page.screenshot(path=f"/tmp/mcc-e2e-routes/header-{width}-{label}.png")
        for name in ("Dashboard", "Orchestrator", "Projects", "Agents", "Budget", "Settings"):
            await expect(main.get_by_role("link", name=name)).to_be_visible()
        log_out = header.get_by_role("button", name="Log out")
        await expect(log_out).to_be_visible()
        await expect(header.get_by_role("link", name="security settings")).to_be_visible()
        # Words for screen readers only are a 1 px box.
        in_words = await log_out.get_by_text("Log out").evaluate(
            "el => el.getBoundingClientRect().width > 1"
        )
        if in_words != (width >= LOG_OUT_IN_WORDS_FROM):
            faults[f"{width}/{label}/log out"] = "in words" if in_words else "an icon alone"
    return faults


async def test_the_header_is_one_line_from_768_px_up(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    await awaiting_project(api, mcc, tmp_path)
    page = await logged_in(browser, mcc, {"width": 1366, "height": 768})
    header = page.locator("header").first
    faults: dict[str, str] = {}
    for paused in (False, True):
        await page.wait_for_load_state("networkidle")
        faults |= await header_lines(page, header, "paused" if paused else "running")
        if not paused:
            await header.get_by_role("button", name="Emergency pause").click()
            await expect(header.get_by_role("button", name="Resume all")).to_be_visible()
    await header.get_by_role("button", name="Resume all").click()
    await expect(header.get_by_role("button", name="Emergency pause")).to_be_visible()
    assert not faults, f"the header is not one line, or not in words where it has room: {faults}"


# The panes of the page (the channel list keeps its own place: it is the project's navigation).
SCROLLERS = """() => [...document.querySelectorAll('#main, #main *')]
    .filter(el => !el.closest('nav[aria-label="Channels"]') && el.scrollHeight > el.clientHeight + 1
                  && ['auto', 'scroll'].includes(getComputedStyle(el).overflowY))
    .map(el => ({id: el.id, testid: el.dataset.testid || '', top: el.scrollTop,
                 gap: el.scrollHeight - el.scrollTop - el.clientHeight}))"""


async def scroll_all_down(page: Page) -> None:
    await page.evaluate(
        """() => { window.scrollTo(0, document.body.scrollHeight);
            for (const el of document.querySelectorAll('#main, #main *')) el.scrollTop = el.scrollHeight; }"""
    )


async def expect_opened_at_the_top(page: Page, start: Locator) -> None:
    """The panes are at their top (a chat at its newest message) and the page's start is in view
    near the top of the window (an issue's detail is scrolled to on purpose on a phone)."""
    await page.wait_for_load_state("networkidle")
    _, top, _, _ = await box(start)
    assert 0 <= top < 200, f"the page does not open at its start: {start} is at {top} px"
    for pane in await page.evaluate(SCROLLERS):
        if pane["testid"] == "message-scroller":
            assert pane["gap"] <= 1, f"the conversation does not open at its newest message: {pane}"
        else:
            assert pane["top"] == 0, f"a pane kept the last page's scroll offset: {pane}"


@pytest.mark.parametrize("size", ["wide", "phone"])
async def test_a_new_page_opens_at_its_top(
    api, mcc: MccServer, browser: Browser, company, tmp_path, size: str
):
    pid = await awaiting_project(api, mcc, tmp_path)
    # Wide enough for the issue beside the list, short enough that every page scrolls.
    viewport = {"width": 1600, "height": 600} if size == "wide" else PHONE
    page = await logged_in(browser, mcc, viewport)
    base = f"http://127.0.0.1:{mcc.port}/projects/{pid}"
    await page.goto(base)
    await expect(page.get_by_role("heading", name="Pull requests")).to_be_visible()
    await scroll_all_down(page)
    # The pull request's link to its issue, at the bottom of the project's page.
    await page.get_by_role("link", name="issue #1", exact=True).click()
    issue = page.get_by_role("region", name="Issue #1")
    await expect(issue).to_be_visible()
    await expect_opened_at_the_top(page, issue)
    await page.screenshot(path=f"/tmp/mcc-e2e-routes/scroll-issue-{size}.png")

    await scroll_all_down(page)
    if size == "phone":  # the channels are folded to one row there
        await page.get_by_role("button", name="Channels", expanded=False).click()
    channels = page.get_by_role("navigation", name="Channels")
    await channels.locator('a[href*="/conversations/"]').first.click()
    await expect(page.get_by_role("log", name="Conversation messages")).to_be_visible()
    await expect(page.get_by_role("log").locator("> *").first).to_be_visible()
    await expect_opened_at_the_top(
        page, page.get_by_role("region", name="Conversation", exact=True)
    )
    await page.screenshot(path=f"/tmp/mcc-e2e-routes/scroll-conversation-{size}.png")

    # From the bottom of a long page (settings) to another long one (agents, long on a phone).
    for link, heading in (("Settings", "Settings"), ("Agents", "Agents")):
        await page.wait_for_load_state("networkidle")
        await scroll_all_down(page)
        if size == "phone":
            await page.get_by_role("button", name="Menu", expanded=False).click()
        await page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
        await expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    await expect(page.get_by_role("table", name="Agents")).to_be_visible()
    await expect_opened_at_the_top(page, page.get_by_role("heading", name="Agents", exact=True))

    # A link low on a long page (the last agent in the table) to another page.
    await scroll_all_down(page)
    await page.get_by_role("table", name="Agents").get_by_role("link", name="reviewer").click()
    await expect_opened_at_the_top(page, page.get_by_role("heading", name="reviewer", level=1))
    await page.screenshot(path=f"/tmp/mcc-e2e-routes/scroll-agent-{size}.png")


async def test_on_a_phone_nothing_is_cut_off_and_the_channels_come_first(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    title = "Add a greeting that says hello to every visitor of the site in their own language"
    pid = await awaiting_project(api, mcc, tmp_path, title)
    page = await logged_in(browser, mcc, PHONE)
    await page.goto(f"http://127.0.0.1:{mcc.port}/projects/{pid}")
    pulls = page.get_by_role("heading", name="Pull requests")
    await expect(pulls).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path="/tmp/mcc-e2e-routes/phone-project.png", full_page=True)

    pull_title = page.get_by_text("PR #1").locator("..").get_by_text("Add a greeting", exact=False)
    clipped = await pull_title.evaluate("el => el.scrollWidth > el.clientWidth + 1")
    assert not clipped, "the pull request's title is cut short"

    # The channels (the run's conversations) come before the long list of cards, not after.
    channels_box, pulls_box = (
        await box(page.get_by_role("button", name="Channels")),
        await box(pulls),
    )
    issues_box = await box(page.get_by_role("heading", name="Issues", exact=True))
    assert channels_box[1] < pulls_box[1], "the channels sit below the pull requests"
    assert channels_box[1] < issues_box[1] + PHONE["height"], (
        "the channels are a screen below the issues"
    )

    await page.get_by_role("button", name="Menu", expanded=False).click()
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Agents").click()
    table = page.get_by_role("table", name="Agents")
    await expect(table.get_by_role("row").nth(1)).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path="/tmp/mcc-e2e-routes/phone-agents.png", full_page=True)
    widths = await table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the agents table is clipped: {widths}"


@pytest.mark.parametrize("size", ["phone", "desktop"])
async def test_on_a_phone_the_channels_fold_to_one_row_above_the_issues(
    api, mcc: MccServer, browser: Browser, company, tmp_path, size: str
):
    pid = await awaiting_project(api, mcc, tmp_path)
    page = await logged_in(browser, mcc, PHONE if size == "phone" else DESKTOP)
    await page.goto(f"http://127.0.0.1:{mcc.port}/projects/{pid}")
    issues = page.get_by_role("heading", name="Issues", exact=True)
    await expect(issues).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=f"/tmp/mcc-e2e-routes/channels-folded-{size}.png")
    toggle = page.get_by_role("button", name="Channels")
    conversation = (
        page.get_by_role("navigation", name="Channels").locator('a[href*="/conversations/"]').first
    )
    if size == "desktop":  # a column of its own beside the page, always open
        await expect(conversation).to_be_visible()
        await expect(toggle).to_be_hidden()
        return

    # One row that says what it holds; the issues start in the top half of the screen.
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    conversations = (await api.get(f"/api/projects/{pid}/conversations")).json()
    live = sum(c["status"] == "open" and not c["paused"] for c in conversations)
    summary = f"Channels: {len(conversations)} conversations" + (f", {live} live" if live else "")
    await expect(toggle).to_have_accessible_name(summary)
    await expect(conversation).to_be_hidden()
    _, issues_top, _, _ = await box(issues)
    assert issues_top < PHONE["height"] / 2, f"the issues start {issues_top} px down the page"

    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await expect(conversation).to_be_visible()
    await page.screenshot(path="/tmp/mcc-e2e-routes/channels-open-phone.png")
    await conversation.click()
    await expect(page.get_by_role("log", name="Conversation messages")).to_be_visible()
