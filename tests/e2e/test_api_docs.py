"""The API's interactive docs work on a machine without internet: Swagger UI comes from
MCC's own server, and the page's security policy lets it run."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Route, expect

from api.server import MccServer

pytestmark = pytest.mark.e2e


async def test_the_api_docs_render_from_this_server_alone(mcc: MccServer, browser: Browser):
    page = await browser.new_page()
    elsewhere: list[str] = []
    problems: list[str] = []

    async def only_this_server(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:  # what a machine without internet would see
            elsewhere.append(route.request.url)
            await route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    await page.route("**/*", only_this_server)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    await page.goto(f"http://127.0.0.1:{mcc.port}/api/docs")

    await expect(page.get_by_role("heading", name="Mission Control Center")).to_be_visible()
    await expect(page.get_by_text("/api/health", exact=True)).to_be_visible()
    assert elsewhere == [] and problems == []
