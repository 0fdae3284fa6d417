"""Setting up Telegram says when it cannot work: a token Telegram refuses or cannot check is
not saved, and a bot whose polling keeps failing is named in health and on the settings page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.server import MccServer
from mcc.config import Settings
from tests.conftest import free_port, login_new_user
from tests.fakes.llm_server import ScriptedLLMServer
from tests.fakes.telegram_server import FakeTelegram, telegram_server
from tests.support.http import local_client
from tests.support.settings import local_settings
from tests.support.waiting import eventually

STATE = "/api/notifications/telegram"
TOKEN = "/api/notifications/telegram/token"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with telegram_server(token="4242:AAE-the-right-token-from-botfather") as fake:
        yield fake


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    temporal_address: str,
    llm: ScriptedLLMServer,
    telegram: FakeTelegram,
) -> Settings:
    # No MCC_TELEGRAM_BOT_TOKEN: the token is the one set on the settings page.
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-telegram-setup",
        llm_base_url=llm.base_url,
        telegram_api_url=telegram.api_url,
        telegram_poll_seconds=1,
    )


async def test_a_token_telegram_refuses_is_not_saved_and_says_so(api, telegram):
    refused = await api.post(TOKEN, json={"token": "4242:AAE-a-token-botfather-never-gave"})

    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "telegram_token_refused",
        "message": "Telegram refused the bot token (Unauthorized): copy it again from"
        " @BotFather. Nothing was saved.",
    }
    assert (await api.get(STATE)).json()["bot_configured"] is False

    saved = await api.post(TOKEN, json={"token": telegram.token})
    assert saved.status_code == 200, saved.text
    assert saved.json()["bot_configured"] is True
    assert "getMe" in telegram.methods


async def test_a_token_not_shaped_like_one_is_refused_before_telegram_is_asked(api, telegram):
    for token in ("not a token", "4242:abc/../../getUpdates?x=", "4242:bad token", "4242:é"):
        refused = await api.post(TOKEN, json={"token": token})
        assert refused.status_code == 422, (token, refused.text)
        assert refused.json()["error"]["message"].startswith("this is not a bot token")
    assert "getMe" not in telegram.methods
    assert (await api.get(STATE)).json()["bot_configured"] is False


async def test_a_token_is_not_saved_while_telegram_cannot_be_reached(settings, telegram):
    nowhere = f"http://127.0.0.1:{free_port()}"
    server = MccServer(settings.model_copy(update={"telegram_api_url": nowhere}), worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            await login_new_user(client, server, "owner@example.com")

            unreachable = await client.post(TOKEN, json={"token": telegram.token})

            assert unreachable.status_code == 503
            assert unreachable.json()["error"] == {
                "code": "telegram_unreachable",
                "message": f"Telegram cannot be reached at {nowhere} (Telegram getMe:"
                " ConnectError), so the token could not be checked and nothing was saved:"
                " try again in a moment, or check MCC_TELEGRAM_API_URL.",
            }
            assert (await client.get(STATE)).json()["bot_configured"] is False
    finally:
        await server.stop()


async def test_a_bot_whose_polling_keeps_failing_is_named_in_health_and_settings(api, telegram):
    assert (await api.post(TOKEN, json={"token": telegram.token})).status_code == 200
    telegram.revoke()

    async def health_names_telegram() -> httpx.Response | None:
        response = await api.get("/api/health")
        said = [p for p in response.json()["problems"] if p.startswith("Telegram")]
        return response if said else None

    health = await eventually(health_names_telegram, 30, "health to name the failing bot")
    assert health.status_code == 200  # Telegram is not a core dependency
    problem = next(p for p in health.json()["problems"] if p.startswith("Telegram"))
    assert "attempts to read the bot's updates failed (Unauthorized)" in problem
    assert "Check the bot token on the settings page" in problem
    assert (await api.get(STATE)).json()["problem"] == problem

    telegram.revoke(False)

    async def cleared() -> bool | None:
        state = (await api.get(STATE)).json()
        return True if state["problem"] is None else None

    await eventually(cleared, 90, "the problem to clear once Telegram answers")
    problems = (await api.get("/api/health")).json()["problems"]
    assert not [p for p in problems if p.startswith("Telegram")]
