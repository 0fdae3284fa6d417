"""With no LLM configured, the dashboard says so before the person files an issue:
a run would stop at its first step, and the page names the variable to set."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from api.server import MccServer
from mcc.config import Settings
from mcc.llm.endpoint import KEY_ENV_VAR, OPENROUTER_KEY_ENV_VAR
from tests.e2e.realtime_page import log_in
from tests.support.settings import DEFAULT_LIMITS, local_settings

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings(
    tmp_path: Path, database_url: str, temporal_address: str, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """MCC as a new user starts it: the default provider (OpenRouter) and no key, and the
    default rate limits."""
    monkeypatch.delenv(KEY_ENV_VAR, raising=False)
    monkeypatch.delenv(OPENROUTER_KEY_ENV_VAR, raising=False)
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-e2e-nollm",
        llm_base_url=Settings().llm_base_url,
        **DEFAULT_LIMITS,
    )


async def test_the_dashboard_says_no_llm_is_configured_before_the_first_issue(
    api, mcc: MccServer, browser: Browser
):
    health = await api.get("/api/health")
    assert health.status_code == 200
    assert health.json()["llm"] == "not_configured"

    page = await browser.new_page(viewport={"width": 1440, "height": 900})
    await log_in(page, f"http://127.0.0.1:{mcc.port}/")
    await expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    warning = page.get_by_role("region", name="Agents cannot work")
    await expect(warning).to_contain_text(
        "No LLM is configured: a run would stop at its first step."
    )
    await expect(warning).to_contain_text(KEY_ENV_VAR)  # what to set, in the person's words
    await expect(warning.get_by_role("link", name="Settings")).to_have_attribute(
        "href", "/settings"
    )
    await page.close()
