"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Playwright, async_playwright

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


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


_chromium: list[Browser] = []  # this test process's, launched by its first browser test


@pytest.fixture
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    """The test process's Chromium, launched once (a launch costs more CPU than most
    browser tests, bench/README.md) and again if a test lost it; every context and page
    a test opens is closed after it, so no test sees another's cookies or storage."""
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        raise RuntimeError("the front end is not built: run `make frontend` (make test does)")
    if not (_chromium and _chromium[0].is_connected()):
        _chromium[:] = [
            await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        ]
    chromium = _chromium[0]
    try:
        yield chromium
    finally:
        for context in chromium.contexts:
            await context.close()
