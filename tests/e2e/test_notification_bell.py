"""A person with the page open hears of what needs them: a toast for an urgent
notification, the bell's unread count, the list, and mark all read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from api.server import MccServer
from mcc.config import Settings
from mcc.notifications import Kind, Notification
from tests.conftest import PASSWORD
from tests.fakes.telegram_server import FakeTelegram, telegram_server

pytestmark = pytest.mark.e2e

BOT_TOKEN = "4242:secret-token-from-botfather"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with telegram_server(token=BOT_TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    # A saved token is checked with Telegram (getMe) first: this page talks to the fake.
    return settings.model_copy(update={"telegram_api_url": telegram.api_url})


async def test_an_urgent_notification_toasts_and_the_bell_counts_it(
    api, mcc: MccServer, browser: Browser
):
    owner = api._user_id
    notify = mcc.runtime.notifications.notify
    await notify(owner, Notification(Kind.MERGED, "merged:old", "#1 Old work was merged"))

    page = await browser.new_page()
    await page.goto(f"http://127.0.0.1:{mcc.port}/")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Notifications, 1 unread")).to_be_visible(
        timeout=15_000
    )

    await notify(
        owner,
        Notification(
            Kind.NEEDS_ATTENTION,
            "needs_attention:e2e",
            "#2 Flaky needs your attention",
            "the merge failed",
            level="warning",
        ),
    )
    toast = page.get_by_role("alert").filter(has_text="#2 Flaky needs your attention")
    await expect(toast).to_be_visible(timeout=15_000)
    bell = page.get_by_role("button", name="Notifications, 2 unread")
    await expect(bell).to_be_visible()

    await bell.click()
    items = page.get_by_role("list", name="Notification list").get_by_role("listitem")
    await expect(items).to_have_count(2)
    await expect(items.first).to_contain_text("#2 Flaky needs your attention")  # newest first
    await page.get_by_role("button", name="Mark all read").click()
    await expect(page.get_by_role("button", name="Notifications", exact=True)).to_be_visible()

    await page.reload()
    await expect(page.get_by_role("button", name="Notifications", exact=True)).to_be_visible(
        timeout=15_000
    )


async def test_telegram_is_set_up_and_linked_on_the_settings_page_the_bell_links_to(
    api, mcc: MccServer, browser: Browser
):
    page = await browser.new_page()
    await page.goto(f"http://127.0.0.1:{mcc.port}/")
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_role("button", name="Notifications", exact=True).click(timeout=15_000)
    await page.get_by_role("link", name="Telegram and which notifications reach you").click()
    await expect(page).to_have_url(f"http://127.0.0.1:{mcc.port}/settings#notifications")

    telegram = page.get_by_role("region", name="Telegram", exact=True)
    await telegram.get_by_label("Bot token", exact=True).fill("not a token")
    await telegram.get_by_role("button", name="Save token").click()
    await expect(telegram.get_by_role("alert")).to_have_text(
        "That is not a bot token: it looks like 123456789:AAE… from @BotFather."
    )
    await telegram.get_by_label("Bot token", exact=True).fill(BOT_TOKEN)
    await telegram.get_by_role("button", name="Save token").click()
    await expect(telegram).to_contain_text("configured")
    await telegram.get_by_role("button", name="Link my Telegram").click()
    await expect(telegram).to_contain_text("Send the bot /start ")

    state = (await api.get("/api/notifications/telegram")).json()
    assert state["bot_configured"] is True and state["token_source"] == "settings"
    assert "secret-token" not in str(state)
    assert "secret-token" not in await page.content()
