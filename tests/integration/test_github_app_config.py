"""The GitHub App's effective settings as every process reads them: the settings page's
values over MCC_GITHUB_*, sealed at rest, and seen by another process (the worker) once its
short cache expires."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from mcc.config import Settings
from mcc.db.engine import Database
from mcc.forge.github.app_config import GitHubAppConfigSource, save_stored
from mcc.models.system_state import SystemState
from mcc.security.keyring import Keyring
from tests.support.owners import owner_with_project


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


def _settings(tmp_path: Path, database_url: str, key_file: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        github_app_id=11,
        github_private_key_file=key_file,
        github_webhook_secret=SecretStr("env secret"),
    )


async def test_the_pages_values_override_the_environment_and_reach_the_other_process(
    db: Database, database_url: str, tmp_path: Path
):
    key_file = tmp_path / "env.pem"
    key_file.write_text("ENV KEY")
    settings = _settings(tmp_path, database_url, key_file)
    keys = Keyring(settings)
    api_process = GitHubAppConfigSource(db, settings, keys, ttl_s=0.3)
    worker_process = GitHubAppConfigSource(db, settings, keys, ttl_s=0.3)
    async with db.sessions() as session:
        owner, _ = await owner_with_project(session, "app@example.com", "App")

    before = await worker_process.current()
    assert (before.app_id, before.private_key, before.webhook_secret) == (
        11,
        "ENV KEY",
        "env secret",
    )
    assert before.sources == {
        "app_id": "environment",
        "private_key": "environment",
        "webhook_secret": "environment",
        "api_url": None,
    }

    async with db.sessions() as session:
        await save_stored(
            session,
            keys.secrets,
            owner,
            app_id=22,
            private_key="PAGE KEY",
            webhook_secret="page secret",
        )
    api_process.invalidate()  # the process that saved reads its change at once
    saved = await api_process.current()
    assert (saved.app_id, saved.private_key, saved.webhook_secret) == (
        22,
        "PAGE KEY",
        "page secret",
    )

    assert (await worker_process.current()).app_id == 11  # still its cached view…
    await asyncio.sleep(0.35)
    assert (await worker_process.current()).private_key == "PAGE KEY"  # …until it expires

    async with db.sessions() as session:
        row = await session.get(SystemState, "github_app")
        assert row is not None
        stored = json.dumps(row.value)
    assert "PAGE KEY" not in stored and "page secret" not in stored


async def test_a_missing_key_file_is_said_not_raised(
    db: Database, database_url: str, tmp_path: Path
):
    settings = _settings(tmp_path, database_url, tmp_path / "gone.pem")
    config = await GitHubAppConfigSource(db, settings, Keyring(settings)).current()
    assert config.private_key is None
    assert config.private_key_problem is not None
    assert config.private_key_problem.startswith(
        f"MCC_GITHUB_PRIVATE_KEY_FILE {tmp_path / 'gone.pem'} cannot be read"
    )
