"""A person goes through issues by opening each in a new tab, a minute's worth: at the
default rate limit none of the pages is told to slow down (each full load of an issue's
page costs the SPA a dozen or more requests: the project, its issues, conversations,
agents, budget, notifications)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Response, expect

from api.server import MccServer
from tests.e2e.test_issue_in_view import SIZES, log_in, project_with_an_issue_awaiting_approval

pytestmark = pytest.mark.e2e
TABS = 10


async def test_issues_opened_in_new_tabs_are_not_slowed_down(
    api, mcc: MccServer, browser: Browser, company, tmp_path
):
    pid, _ = await project_with_an_issue_awaiting_approval(api, mcc, tmp_path)
    context = await browser.new_context(viewport=SIZES["desktop"])
    refused: list[str] = []

    def on_response(response: Response) -> None:
        if response.status == 429:
            refused.append(response.url)

    context.on("response", on_response)
    url = f"http://127.0.0.1:{mcc.port}/projects/{pid}/issues/1"
    await log_in(await context.new_page(), url)
    for _ in range(TABS):
        tab = await context.new_page()
        await tab.goto(url)
        diff = tab.get_by_role("region", name="Pull request diff")
        await expect(diff).to_contain_text("+", timeout=15_000)
        await tab.wait_for_load_state("networkidle")
    assert refused == []
    await context.close()
