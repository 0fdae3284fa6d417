"""One master key per deployment: a process with another key refuses to start, and
`mcc secret-key change` moves every stored secret to a new key (or forgets them when the
old key is lost) instead of leaving them unreadable."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, text

from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.errors import InvalidInput
from mcc.forge.github.app_config import load_stored, save_stored, sealed_context
from mcc.models.project import Project
from mcc.models.telegram import TelegramBot
from mcc.models.user import User
from mcc.notifications.telegram.bot import SEALED_CONTEXT, set_bot_token
from mcc.projects import forge_token_context
from mcc.security.accounts import totp_context
from mcc.security.key_change import change_key
from mcc.security.key_check import KeyMismatch, verify_key
from mcc.security.keyring import secret_box
from mcc.security.keys import decode_key
from tests.conftest import free_port
from tests.support.processes import MCC


async def _stored_secrets(db: Database, master: bytes) -> int:
    """A person with an authenticator, a project with a forge token, the GitHub App and the
    Telegram bot set on the settings page: every kind of sealed secret; returns the user id."""
    box = secret_box(master)
    async with db.sessions() as session:
        user = User(email="owner@example.com", password_hash="x", totp_enabled=True)
        session.add(user)
        await session.flush()
        user.totp_secret_enc = box.seal("TOTPSEED", totp_context(user.id))
        project = Project(
            owner_id=user.id, name="App", slug="app", repo_path="/r", default_branch="main"
        )
        session.add(project)
        await session.flush()
        project.forge_token_enc = box.seal("ghp_token", forge_token_context(project.id))
        await session.commit()
        await save_stored(session, box, user.id, private_key="PEM", webhook_secret="hook")
        await set_bot_token(session, box, "123:bot", user.id)
        return user.id


async def _opened(db: Database, master: bytes) -> dict[str, str | None]:
    box = secret_box(master)
    async with db.sessions() as session:
        user = (await session.scalars(select(User))).one()
        project = (await session.scalars(select(Project))).one()
        bot = (await session.scalars(select(TelegramBot))).one()
        app = await load_stored(session)

        def opened(sealed: bytes | None, context: str) -> str | None:
            return box.open(sealed, context) if sealed is not None else None

        return {
            "totp": opened(user.totp_secret_enc, totp_context(user.id)),
            "totp_enabled": str(user.totp_enabled),
            "forge": opened(project.forge_token_enc, forge_token_context(project.id)),
            "app_key": opened(app.private_key_enc, sealed_context("private_key")),
            "app_hook": opened(app.webhook_secret_enc, sealed_context("webhook_secret")),
            "bot": opened(bot.token_enc, SEALED_CONTEXT),
        }


KEPT = {
    "totp": "TOTPSEED",
    "totp_enabled": "True",
    "forge": "ghp_token",
    "app_key": "PEM",
    "app_hook": "hook",
    "bot": "123:bot",
}


async def test_a_process_with_another_key_is_refused_naming_the_way_out(database_url: str):
    db = Database(database_url)
    first, other = secrets.token_bytes(32), secrets.token_bytes(32)
    try:
        await verify_key(db, first)  # the first process records its key
        await verify_key(db, first)
        with pytest.raises(KeyMismatch) as refused:
            await verify_key(db, other)
        assert "Every api and worker process of one MCC needs the same key" in refused.value.message
        assert "`mcc secret-key change`" in refused.value.message
    finally:
        await db.dispose()


async def test_two_processes_starting_together_agree_on_whose_key_is_recorded(
    database_url: str,
):
    """A compose deployment starts its api and workers at once, on a database that has no
    key check yet: one records, the other compares, neither fails on the other's insert."""
    first, second = Database(database_url), Database(database_url)  # two processes' pools
    key, other = secrets.token_bytes(32), secrets.token_bytes(32)
    try:
        assert await asyncio.gather(verify_key(first, key), verify_key(second, key)) == [
            None,
            None,
        ]
        async with first.sessions() as session, session.begin():
            await session.execute(text("DELETE FROM system_state"))
        outcomes = await asyncio.gather(
            verify_key(first, key), verify_key(second, other), return_exceptions=True
        )
        assert sorted(type(o).__name__ for o in outcomes) == ["KeyMismatch", "NoneType"]
    finally:
        await first.dispose()
        await second.dispose()


async def test_changing_the_key_seals_every_stored_secret_again(database_url: str):
    db = Database(database_url)
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    try:
        await verify_key(db, old)
        await _stored_secrets(db, old)

        with pytest.raises(InvalidInput, match="cannot be opened with MCC_OLD_SECRET_KEY"):
            await change_key(db, new, secrets.token_bytes(32))  # not the old key
        assert await _opened(db, old) == KEPT  # nothing changed

        touched = await change_key(db, new, old)

        assert len(touched) == 5
        assert await _opened(db, new) == KEPT
        await verify_key(db, new)
        with pytest.raises(KeyMismatch):
            await verify_key(db, old)
    finally:
        await db.dispose()


async def test_a_lost_key_forgets_the_secrets_and_turns_two_factor_off(database_url: str):
    db = Database(database_url)
    lost, new = secrets.token_bytes(32), secrets.token_bytes(32)
    try:
        await verify_key(db, lost)
        await _stored_secrets(db, lost)

        touched = await change_key(db, new, None)

        assert "the authenticator (two-factor login) of owner@example.com" in touched
        assert await _opened(db, new) == {
            "totp": None,
            "totp_enabled": "False",  # the password alone logs in, until set up again
            "forge": None,
            "app_key": None,
            "app_hook": None,
            "bot": None,
        }
        await verify_key(db, new)
    finally:
        await db.dispose()


def test_the_commands_refuse_a_wrong_key_and_change_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    upgrade(url)
    old, new = secrets.token_hex(32), secrets.token_hex(32)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")} | {
        "MCC_DATA_DIR": str(tmp_path / "data"),
        "MCC_DATABASE_URL": url,
        "MCC_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "MCC_TEMPORAL_EMBEDDED": "false",
        "MCC_PORT": str(free_port()),
    }

    def mcc(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*MCC, *args], env=env | extra, capture_output=True, text=True, timeout=60
        )

    async def setup() -> None:
        db = Database(url)
        try:
            await verify_key(db, decode_key(old))
            await _stored_secrets(db, decode_key(old))
        finally:
            await db.dispose()

    asyncio.run(setup())

    refused = mcc("worker", MCC_SECRET_KEY=new)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    assert refused.stderr.startswith("mcc: This process's secret key (key check ")

    neither = mcc("secret-key", "change", MCC_SECRET_KEY=new)
    assert neither.returncode == 1 and "MCC_OLD_SECRET_KEY" in neither.stderr

    changed = mcc("secret-key", "change", MCC_SECRET_KEY=new, MCC_OLD_SECRET_KEY=old)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert "sealed with the new key: the forge token of project 'App'" in changed.stdout
    assert changed.stdout.endswith(
        "The key is changed (5 stored secret(s)). Start every MCC process with it.\n"
    )

    async def check() -> dict[str, str | None]:
        db = Database(url)
        try:
            await verify_key(db, decode_key(new))
            return await _opened(db, decode_key(new))
        finally:
            await db.dispose()

    assert asyncio.run(check()) == KEPT
