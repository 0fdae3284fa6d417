"""Wrong settings are refused in sentences naming the variable (secrets never repeated),
and the forms people copy are taken."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mcc.config import Settings
from mcc.config_errors import InvalidSettings, read_settings
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def no_mcc_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MCC_"):
            monkeypatch.delenv(name)


def refusal(monkeypatch: pytest.MonkeyPatch, **variables: str) -> str:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidSettings) as caught:
        read_settings()
    return caught.value.message


def test_every_wrong_variable_is_named_with_what_was_set(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, MCC_PORT="abc", MCC_SANDBOX="weird", MCC_PORT_X="ignored")
    assert "MCC_PORT='abc': Input should be a valid integer" in message
    assert "MCC_SANDBOX='weird': Input should be 'bwrap' or 'off'" in message


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("MCC_PORT", "70000", "less than or equal to 65535"),
        ("MCC_TEMPORAL_ADDRESS", "garbage", "expected host:port"),
        ("MCC_TEMPORAL_ADDRESS", "127.0.0.1:99999", "expected host:port"),
        ("MCC_DATABASE_URL", "garbage", "not a database URL"),
        ("MCC_DATABASE_URL", "mysql://db/mcc", "PostgreSQL or SQLite, not mysql"),
        ("MCC_DATABASE_URL", "postgresql+psycopg://db/mcc", "use postgresql+asyncpg://"),
        ("MCC_REDIS_URL", "localhost:6379", "expected redis://host:port/db"),
        ("MCC_TRUSTED_PROXIES", "10.0.0.300", "not an IP address or CIDR range"),
        ("MCC_BUDGET_TIMEZONE", "Mars/Olympus", "unknown time zone"),
    ],
)
def test_a_wrong_value_is_refused_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    message = refusal(monkeypatch, **{name: value})
    assert f"{name}={value!r}: " in message and says in message


def test_a_secret_is_refused_without_being_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, MCC_SECRET_KEY="not-so-secret")
    assert "MCC_SECRET_KEY: must be at least 32 random bytes" in message
    assert "not-so-secret" not in message


def test_a_value_that_must_be_json_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    message = refusal(monkeypatch, MCC_LLM_PRICE_OVERRIDES="{my/model: 1}")
    assert "MCC_LLM_PRICE_OVERRIDES: not valid JSON" in message


def test_lists_are_comma_separated_as_the_readme_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCC_CORS_ORIGINS", "http://localhost:5173, https://mcc.example")
    monkeypatch.setenv("MCC_SANDBOX_RO_PATHS", "/opt/go,/opt/rust")
    settings = read_settings()
    assert settings.cors_origins == ["http://localhost:5173", "https://mcc.example"]
    assert [str(path) for path in settings.sandbox_ro_paths] == ["/opt/go", "/opt/rust"]


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://mcc:p%40ss@db:5432/mcc", "postgresql+asyncpg://mcc:p%40ss@db:5432/mcc"),
        ("postgres://db/mcc", "postgresql+asyncpg://db/mcc"),
        ("sqlite:////var/lib/mcc/mcc.db", "sqlite+aiosqlite:////var/lib/mcc/mcc.db"),
        ("postgresql+asyncpg://db/mcc?ssl=require", "postgresql+asyncpg://db/mcc?ssl=require"),
    ],
)
def test_a_database_url_without_the_async_driver_is_given_it(given: str, used: str) -> None:
    assert Settings(database_url=given).resolved_database_url == used


def test_the_temporal_ui_link_follows_its_port_unless_set() -> None:
    assert Settings(temporal_ui_port=18234).temporal_ui_url == "http://127.0.0.1:18234"
    assert Settings(temporal_address="0.0.0.0:7233").temporal_ui_url == "http://127.0.0.1:8233"
    explicit = Settings(temporal_ui_port=18234, temporal_ui_url="https://temporal.example")
    assert explicit.temporal_ui_url == "https://temporal.example"
    assert explicit.temporal_run_url("issue/a/1").startswith("https://temporal.example/")


def test_a_command_with_a_wrong_setting_prints_sentences_not_a_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    env.update(MCC_PORT="abc", MCC_SECRET_KEY="short")
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "mcc: invalid settings:",
        "  MCC_PORT='abc': Input should be a valid integer, unable to parse string as an integer",
        "  MCC_SECRET_KEY: must be at least 32 random bytes, hex or base64 encoded"
        " (e.g. the output of `openssl rand -hex 32`)",
    ]
