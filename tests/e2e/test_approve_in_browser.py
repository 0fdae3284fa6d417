"""A person logs in, watches an issue reach awaiting approval live, reads the diff,
clicks Approve, and the merge commit lands in the repository."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from api.server import MccServer
from tests.conftest import PASSWORD
from tests.support.repos import git, make_repo

pytestmark = pytest.mark.e2e
# Left behind for a look at what the person saw (ignored by git).
SCREENSHOT = Path("/tmp/mcc-e2e-approved.png")


async def test_approving_in_the_browser_merges_the_pull_request(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# demo\n"})
    name = f"Browser {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    pid = project["id"]
    created = await api.post(
        f"/api/projects/{pid}/issues", json={"title": "Add a greeting", "body": "Say hello."}
    )
    assert created.status_code == 201

    page = await browser.new_page()
    base = f"http://127.0.0.1:{mcc.port}"
    await page.goto(f"{base}/projects/{pid}")
    # Not logged in: the app asks for credentials, then returns to the project.
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()

    phase = page.get_by_role("status", name="phase of issue #1", exact=True)
    await expect(phase).to_have_attribute("data-phase", "awaiting_approval", timeout=30_000)
    await expect(phase).to_have_text("Awaiting your approval")  # the phase in plain words

    await page.get_by_role("link", name="Add a greeting", exact=True).click()
    diff = page.get_by_role("region", name="Pull request diff")
    await expect(diff).to_contain_text("+Say hello.", timeout=15_000)
    shown = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    what = page.get_by_label("what you decide on")
    await expect(what).to_have_text(f"Round 1 on head {shown['head'][:12]}")
    approve = page.get_by_role("button", name="Approve", exact=True)
    await approve.click()

    await expect(phase).to_have_attribute("data-phase", "done", timeout=30_000)
    # The decision stays shown on its round, and nothing more can be sent for it.
    await expect(page.get_by_text("Decided by you at")).to_be_visible()
    await expect(approve).to_be_disabled()
    await expect(page.get_by_role("button", name="Reject", exact=True)).to_be_disabled()
    await page.screenshot(path=str(SCREENSHOT))

    origin = mcc.runtime.repos.origin(pid)
    main = git(origin, "rev-parse", "main").strip()
    parents = git(origin, "rev-list", "--parents", "-n", "1", main).split()[1:]
    assert len(parents) == 2
    assert git(origin, "show", "main:.mcc/specs/1.md") == "# Add a greeting\n\nSay hello.\n"
    issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    assert issue["pull_request"]["merge_sha"] == main
