"""Changing the deployment's master key: every stored secret sealed again with the new key,
or, when the old key is lost, forgotten so that it can be entered again.

The stored secrets are the forge tokens of projects, the GitHub App's private key and
webhook secret (settings page), the Telegram bot's token and the people's authenticator
(TOTP) seeds. All change in one transaction with the recorded key check, so a change that
fails half-way leaves the database on the old key.
"""

from __future__ import annotations

import base64

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import InvalidInput
from mcc.forge.github.app_config import STATE_KEY as GITHUB_APP
from mcc.forge.github.app_config import StoredGitHubApp, sealed_context
from mcc.models.project import Project
from mcc.models.system_state import SystemState
from mcc.models.telegram import TelegramBot
from mcc.models.user import User
from mcc.notifications.telegram.bot import SEALED_CONTEXT
from mcc.projects import forge_token_context
from mcc.security.accounts import totp_context
from mcc.security.key_check import record_key
from mcc.security.keyring import secret_box
from mcc.security.secret_box import SecretBox, SecretUnreadable


class _Reseal:
    """Opens each secret with the old key and seals it with the new; with no old key,
    forgets it. Keeps the list of what it touched, for the command to print."""

    def __init__(self, old: SecretBox | None, new: SecretBox) -> None:
        self.old, self.new = old, new
        self.touched: list[str] = []

    def __call__(self, what: str, sealed: bytes, context: str) -> bytes | None:
        self.touched.append(what)
        if self.old is None:
            return None
        try:
            return self.new.seal(self.old.open(sealed, context), context)
        except SecretUnreadable:
            raise InvalidInput(
                f"{what} cannot be opened with MCC_OLD_SECRET_KEY either: it is not the key"
                " the secrets were stored with. Nothing was changed."
            ) from None


async def change_key(db: Database, new_master: bytes, old_master: bytes | None) -> list[str]:
    """Seal every stored secret again under `new_master` (forget them all when `old_master`
    is None) and record the new key; returns what was sealed again or forgotten."""
    reseal = _Reseal(secret_box(old_master) if old_master else None, secret_box(new_master))
    async with db.sessions() as session, session.begin():
        await _authenticators(session, reseal)
        await _forge_tokens(session, reseal)
        await _github_app(session, reseal)
        await _telegram_bot(session, reseal)
        await record_key(session, new_master)
    return reseal.touched


async def _authenticators(session: AsyncSession, reseal: _Reseal) -> None:
    users = await session.scalars(select(User).where(User.totp_secret_enc.is_not(None)))
    for user in users:
        assert user.totp_secret_enc is not None
        what = f"the authenticator (two-factor login) of {user.email}"
        user.totp_secret_enc = reseal(what, user.totp_secret_enc, totp_context(user.id))
        if user.totp_secret_enc is None:  # forgotten: the password alone logs in, until set up
            user.totp_enabled = False


async def _forge_tokens(session: AsyncSession, reseal: _Reseal) -> None:
    projects = await session.scalars(select(Project).where(Project.forge_token_enc.is_not(None)))
    for project in projects:
        assert project.forge_token_enc is not None
        what = f"the forge token of project {project.name!r}"
        project.forge_token_enc = reseal(
            what, project.forge_token_enc, forge_token_context(project.id)
        )


async def _github_app(session: AsyncSession, reseal: _Reseal) -> None:
    row = await session.get(SystemState, GITHUB_APP)
    if row is None:
        return
    value = dict(row.value)
    stored = StoredGitHubApp.from_json(value)
    for field, sealed, name in (
        ("private_key_enc", stored.private_key_enc, "private_key"),
        ("webhook_secret_enc", stored.webhook_secret_enc, "webhook_secret"),
    ):
        if sealed is not None:
            what = f"the GitHub App's {name.replace('_', ' ')} (settings page)"
            again = reseal(what, sealed, sealed_context(name))
            value[field] = base64.b64encode(again).decode() if again is not None else None
    row.value, row.updated_at = value, utcnow()


async def _telegram_bot(session: AsyncSession, reseal: _Reseal) -> None:
    rows = await session.scalars(select(TelegramBot).where(TelegramBot.token_enc.is_not(None)))
    for row in rows:
        assert row.token_enc is not None
        what = "the Telegram bot's token (settings page)"
        row.token_enc = reseal(what, row.token_enc, SEALED_CONTEXT)
        if row.token_enc is None:
            row.set_by = None  # as when its setter removes it: anyone may set the next one
