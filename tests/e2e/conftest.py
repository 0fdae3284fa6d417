"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from mcc.db.migrate import upgrade
from tests.conftest import ROOT

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The browser tests run once, on the embedded default (SQLite)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    upgrade(url)
    return url


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium); .ci/run does it")
    return path


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        raise RuntimeError("the front end is not built: run `make frontend` (make test does)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()
