"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright

from tests.conftest import ROOT
from tests.support.migrated import MigratedTemplates
from tests.support.settings import DEFAULT_LIMITS

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
async def database_url(tmp_path: Path, migrated_templates: MigratedTemplates) -> str:
    """The browser tests run once, on the embedded default (SQLite)."""
    return await migrated_templates.sqlite(tmp_path / "mcc.db")


@pytest.fixture
def api_limits() -> dict[str, Any]:
    """A browser test plays a person: the API's default rate limits."""
    return DEFAULT_LIMITS


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
