"""What a person sees of pauses, at once and without a reload: while the emergency pause
is on, the agent on a task and its conversation say paused; "Resume all" moves the held
issue on within seconds, its step still under way; a run the person pauses says paused."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from playwright.async_api import Browser, expect

from api.server import MccServer
from tests.e2e.realtime_page import expect_phase, log_in
from tests.support.company import Company
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_stored_phase

pytestmark = pytest.mark.e2e

# "Within a second or two" of the change, with room for a loaded machine.
AT_ONCE_MS = 3_000


def described(state: str) -> re.Pattern[str]:
    return re.compile(rf", {state}$")


def named(state: str) -> re.Pattern[str]:
    """The architect's link in the channel list: its name, role and shown status (Chromium
    may put a space between the visible name and the screen-reader text after it)."""
    return re.compile(rf"^architect ?, architect, {state}$")


async def test_pauses_show_on_agents_conversations_and_issues_as_they_change(
    api, mcc: MccServer, browser: Browser, company: Company, tmp_path
):
    # The architect's answer waits: its step is under way when the pause is lifted.
    architect_answers = company.held["architect"] = threading.Event()
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Pauses {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    await log_in(page, f"http://127.0.0.1:{mcc.port}/projects/{pid}")
    await expect(page.get_by_role("heading", name=name)).to_be_visible()
    channels = page.get_by_role("navigation", name="Channels")
    architect = channels.get_by_role("link", name=named(r"\w+"))
    plan = channels.get_by_role("link", name="architect · #1 Plan")

    await page.get_by_role("button", name="Emergency pause").click()
    await expect(page.get_by_text("All agents paused")).to_be_visible()
    filed = await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Hi."})
    assert filed.status_code == 201, filed.text
    await wait_for_stored_phase(mcc.runtime.db, pid, 1, "paused", timeout_s=60)
    # On its task, held: not "working", and its conversation not "live".
    await expect_phase(page, "paused")
    await expect(architect).to_have_accessible_name(named("paused"))
    await expect(plan).to_have_accessible_description(described("paused"))

    await page.get_by_role("button", name="Resume all").click()
    await expect_phase(page, "planning", timeout_ms=AT_ONCE_MS)
    await expect(architect).to_have_accessible_name(named("working"), timeout=AT_ONCE_MS)
    await expect(plan).to_have_accessible_description(described("live"), timeout=AT_ONCE_MS)
    assert not architect_answers.is_set()

    # The person pauses the architect's run in its conversation, then resumes it.
    await plan.click()
    header = page.get_by_role("region", name="Conversation").locator("header").first
    await expect(header).to_contain_text("live")
    await page.get_by_role("button", name="Pause", exact=True).click()
    await expect(header).to_contain_text("paused", timeout=AT_ONCE_MS)
    await expect(header).not_to_contain_text("live")
    await expect(plan).to_have_accessible_description(described("paused"), timeout=AT_ONCE_MS)
    await expect(architect).to_have_accessible_name(named("paused"), timeout=AT_ONCE_MS)
    await page.get_by_role("button", name="Resume", exact=True).click()
    await expect(header).to_contain_text("live", timeout=AT_ONCE_MS)
    await expect(plan).to_have_accessible_description(described("live"), timeout=AT_ONCE_MS)
    await expect(architect).to_have_accessible_name(named("working"), timeout=AT_ONCE_MS)

    architect_answers.set()
    await wait_for_stored_phase(mcc.runtime.db, pid, 1, "awaiting_approval", timeout_s=90)
    await context.close()
