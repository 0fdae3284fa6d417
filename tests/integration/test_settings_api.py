"""The settings page's API: the LLM section and its free connection test (against the scripted
LLM server), the sandbox's state, and the GitHub App set on the page (sealed, never returned,
overriding MCC_GITHUB_*) as the webhook check and the App's tokens then use it."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from api.server import MccServer
from mcc.config import Settings
from mcc.forge.github.webhooks import signature_of
from mcc.llm.probe import probe_llm
from mcc.models.system_state import SystemState
from tests.conftest import login_new_user
from tests.fakes.github_server import RunningFake, start_fake_github
from tests.fakes.llm_server import ScriptedLLMServer, free_port, scripted_llm_server
from tests.support.http import local_client
from tests.support.settings import local_settings

APP_ID = 5151
ENV_SECRET = "the secret in MCC_GITHUB_WEBHOOK_SECRET"
PAGE_SECRET = "the secret pasted on the settings page"


@pytest.fixture(scope="module")
def app_key() -> tuple[str, str]:
    """The App's private key (PEM, as pasted) and the public key the fake GitHub checks with."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


@pytest.fixture
async def fake(tmp_path: Path, app_key: tuple[str, str]) -> AsyncIterator[RunningFake]:
    running = await start_fake_github(tmp_path / "github", APP_ID, app_key[1])
    try:
        yield running
    finally:
        await running.runner.cleanup()


@pytest.fixture
def settings(
    tmp_path: Path, database_url: str, temporal_address: str, llm: ScriptedLLMServer
) -> Settings:
    # No App in the environment, only a webhook secret: the page must be enough.
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-settings",
        llm_base_url=llm.base_url,
        github_webhook_secret=SecretStr(ENV_SECRET),
        public_url="https://mcc.example.org",
    )


async def _ping(api: httpx.AsyncClient, secret: str) -> httpx.Response:
    body = json.dumps({"zen": "Keep it logically awesome."}).encode()
    return await api.post(
        "/api/webhooks/github",
        content=body,
        headers={
            "X-Hub-Signature-256": signature_of(secret, body),
            "X-GitHub-Delivery": uuid.uuid4().hex,
            "X-GitHub-Event": "ping",
            "Content-Type": "application/json",
        },
    )


# -- who may ask --------------------------------------------------------------------------


async def test_settings_need_a_login(api: httpx.AsyncClient):
    async with local_client(base_url=str(api.base_url)) as anonymous:
        assert (await anonymous.get("/api/settings")).status_code == 401
        assert (await anonymous.post("/api/settings/llm/test")).status_code == 401
        response = await anonymous.put("/api/settings/github", json={"app_id": 1})
        assert response.status_code == 401


# -- the LLM ------------------------------------------------------------------------------


async def test_the_llm_section_names_the_provider_model_and_key_variable_never_a_key(
    api: httpx.AsyncClient, llm: ScriptedLLMServer, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MCC_LLM_API_KEY", "sk-never-shown-1234")
    body = (await api.get("/api/settings")).json()
    section = body["llm"]
    assert section["base_url"] == llm.base_url and section["local"] is True
    assert section["default_model"] == "test/model"
    assert section["orchestrator_model"] == "test/model"
    assert section["key_configured"] is True and section["key_variable"] == "MCC_LLM_API_KEY"
    assert "sk-never-shown-1234" not in json.dumps(body)


async def test_test_connection_lists_the_models_without_a_paid_call(
    api: httpx.AsyncClient, llm: ScriptedLLMServer
):
    response = await api.post("/api/settings/llm/test")

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": f"{llm.base_url} answered and lists 3 models.",
        "code": None,
        "models": 3,
        "default_model_listed": True,
    }
    assert llm.chat_requests == []  # nothing charged: only GET /models was asked


async def test_test_connection_says_the_provider_refused_the_key(
    api: httpx.AsyncClient, llm: ScriptedLLMServer, monkeypatch: pytest.MonkeyPatch
):
    llm.require_api_key = "sk-the-right-one"
    monkeypatch.setenv("MCC_LLM_API_KEY", "sk-a-wrong-one")

    result = (await api.post("/api/settings/llm/test")).json()

    assert result["ok"] is False and result["code"] == "llm_auth_failed"
    assert result["message"] == (
        f"LLM provider {llm.base_url} refused the API key (401): Incorrect API key provided."
    )
    assert llm.requests[-1].bearer == "sk-a-wrong-one"  # the key agents would use was tested


async def test_an_unreachable_provider_is_said_in_a_sentence(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, llm_base_url=f"http://127.0.0.1:{free_port()}/v1")
    result = await probe_llm(settings)
    assert result.ok is False and result.code == "llm_unreachable"
    assert result.message.startswith(f"Cannot reach LLM provider {settings.llm_base_url}")
    assert result.message.endswith(".")


async def test_a_provider_that_does_not_answer_times_out_in_a_sentence(tmp_path: Path):
    async with scripted_llm_server() as slow:
        slow.hang_models_next()
        settings = Settings(data_dir=tmp_path, llm_base_url=slow.base_url)
        result = await probe_llm(settings, timeout_s=0.5)
    assert result.ok is False and result.code == "llm_timeout"
    assert result.message == f"LLM provider {slow.base_url} did not answer in time."


async def test_a_remote_provider_without_a_key_names_the_variable_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("MCC_LLM_API_KEY", raising=False)
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    settings = Settings(data_dir=tmp_path, llm_base_url="https://openrouter.ai/api/v1")
    result = await probe_llm(settings)
    assert result.ok is False and result.code == "llm_not_configured"
    assert "set MCC_LLM_API_KEY (or OPENROUTER_API_KEY)" in result.message


# -- the sandbox ----------------------------------------------------------------------------


async def test_the_sandbox_section_matches_health(api: httpx.AsyncClient):
    sandbox = (await api.get("/api/settings")).json()["sandbox"]
    health = (await api.get("/api/health")).json()
    assert sandbox["state"] == health["sandbox"]
    assert (sandbox["install_hint"] is None) == (sandbox["state"] == "ready")


@pytest.mark.external_worker
async def test_an_api_process_shows_the_sandbox_of_its_workers_not_its_own(
    api: httpx.AsyncClient, settings: Settings
):
    # No worker yet: this API's own bubblewrap says nothing of the hosts agents run on.
    before = (await api.get("/api/settings")).json()["sandbox"]
    assert (before["state"], before["install_hint"]) == ("unknown", None)
    assert before["detail"].startswith("No worker has reported in the last two minutes")

    lacking = settings.model_copy(update={"sandbox_bwrap": "/nonexistent/bwrap"})
    worker = MccServer(lacking, api=False)
    await worker.start()
    try:
        sandbox = (await api.get("/api/settings")).json()["sandbox"]
    finally:
        await worker.stop()
    assert sandbox["state"] == "missing"
    assert "bubblewrap (/nonexistent/bwrap) was not found" in sandbox["detail"]
    assert sandbox["install_hint"].startswith("Install bubblewrap")


# -- the GitHub App -------------------------------------------------------------------------


async def test_the_github_app_set_on_the_page_is_sealed_and_never_returned(
    api: httpx.AsyncClient, mcc: MccServer, app_key: tuple[str, str]
):
    before = (await api.get("/api/settings")).json()["github"]
    assert before["app_id"] is None and before["private_key_configured"] is False
    assert before["webhook_secret_source"] == "environment"
    assert before["webhook_url"] == "https://mcc.example.org/api/webhooks/github"

    response = await api.put(
        "/api/settings/github",
        json={
            "app_id": APP_ID,
            "private_key": app_key[0],
            "webhook_secret": PAGE_SECRET,
            "api_url": "https://github.example.org/api/v3/",
        },
    )

    assert response.status_code == 200, response.text
    github = response.json()
    assert github == (await api.get("/api/settings")).json()["github"]
    assert github["app_id"] == APP_ID and github["app_id_source"] == "settings"
    assert github["private_key_configured"] is True and github["private_key_source"] == "settings"
    assert github["webhook_secret_configured"] is True
    assert github["webhook_secret_source"] == "settings"
    assert github["api_url"] == "https://github.example.org/api/v3"
    assert github["editable"] is True
    assert "PRIVATE KEY" not in response.text and PAGE_SECRET not in response.text
    async with mcc.runtime.db.sessions() as session:
        stored = json.dumps((await session.get(SystemState, "github_app")).value)  # type: ignore[union-attr]
    assert "PRIVATE KEY" not in stored and PAGE_SECRET not in stored

    # Clearing a value falls back to the environment's.
    cleared = (await api.put("/api/settings/github", json={"webhook_secret": None})).json()
    assert cleared["webhook_secret_source"] == "environment" and cleared["app_id"] == APP_ID


async def test_another_account_sees_the_app_but_cannot_change_it(
    api: httpx.AsyncClient, mcc: MccServer, app_key: tuple[str, str]
):
    await api.put("/api/settings/github", json={"app_id": APP_ID, "private_key": app_key[0]})
    async with local_client(base_url=str(api.base_url)) as other:
        await login_new_user(other, mcc, f"other-{uuid.uuid4().hex[:6]}@example.com")
        theirs = await other.get("/api/settings")
        assert theirs.json()["github"]["editable"] is False
        assert theirs.json()["github"]["private_key_configured"] is True
        assert "PRIVATE KEY" not in theirs.text
        refused = await other.put("/api/settings/github", json={"app_id": 1})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "the GitHub App was set up by another account"
    assert (await api.get("/api/settings")).json()["github"]["app_id"] == APP_ID


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"app_id": "twelve"},
            "The App id must be a whole number, as shown on the App's page on GitHub.",
        ),
        (
            {"private_key": "ghp_not_a_key"},
            "The private key must be the whole .pem file GitHub gave you, from "
            "-----BEGIN RSA PRIVATE KEY----- to the END line.",
        ),
        (
            {"webhook_secret": "short"},
            "The webhook secret must be between 8 and 500 characters long.",
        ),
        (
            {"api_url": "ftp://github.example.org"},
            "The API URL must be an http(s) address such as https://api.github.com.",
        ),
        (
            {"api_url": "http://evil.example/api"},
            "The API URL must use https (plain http only on this machine, 127.0.0.1):"
            " MCC sends the App's tokens with every request.",
        ),
    ],
)
async def test_bad_github_settings_are_refused_in_a_sentence(
    api: httpx.AsyncClient, body: dict, message: str
):
    response = await api.put("/api/settings/github", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == message
    assert "ghp_not_a_key" not in response.text  # a submitted value is never echoed


async def test_the_webhook_check_uses_the_secret_set_on_the_page(api: httpx.AsyncClient):
    assert (await _ping(api, ENV_SECRET)).status_code == 200

    await api.put("/api/settings/github", json={"webhook_secret": PAGE_SECRET})

    assert (await _ping(api, PAGE_SECRET)).status_code == 200
    refused = await _ping(api, ENV_SECRET)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "bad_signature"


async def test_a_repository_registers_with_the_app_set_only_on_the_page(
    api: httpx.AsyncClient, fake: RunningFake, app_key: tuple[str, str]
):
    full = f"octo/page-{uuid.uuid4().hex[:6]}"
    fake.github.add_repo(full, installation_id=91)
    before = await api.post("/api/projects", json={"name": f"GH {full}", "github": {"repo": full}})
    assert before.status_code == 422
    assert before.json()["error"]["code"] == "forge_not_configured"

    await api.put(
        "/api/settings/github",
        json={"app_id": APP_ID, "private_key": app_key[0], "api_url": fake.url},
    )
    response = await api.post(
        "/api/projects", json={"name": f"GH {full}", "github": {"repo": full}}
    )

    assert response.status_code == 201, response.text
    assert response.json()["github_repo"] == full
    assert fake.github.tokens_issued == 1
