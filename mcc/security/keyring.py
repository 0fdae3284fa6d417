"""The keys a process uses, derived once from the master key when first needed."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from mcc.config import Settings
from mcc.security.access_tokens import AccessTokens
from mcc.security.keys import derive, master_key
from mcc.security.secret_box import SecretBox


def secret_box(master: bytes) -> SecretBox:
    """The box of the stored secrets under `master` (also the old key's, when changing it)."""
    return SecretBox(derive(master, "mcc/secret-box/aes-256-gcm"))


class Keyring:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def _master(self) -> bytes:
        return master_key(self.settings)

    @cached_property
    def secrets(self) -> SecretBox:
        return secret_box(self._master)

    @cached_property
    def access_tokens(self) -> AccessTokens:
        return AccessTokens(
            derive(self._master, "mcc/jwt/hs256"),
            timedelta(minutes=self.settings.access_token_minutes),
        )

    @cached_property
    def telegram_webhook_secret(self) -> str:
        """The secret_token Telegram sends back with every webhook update (hex: an allowed
        alphabet). Derived, not stored, so every API process of a deployment agrees."""
        return derive(self._master, "mcc/telegram/webhook-secret").hex()

    @cached_property
    def origin_marker_key(self) -> bytes:
        """Keys the hidden origin marker MCC puts in the issues it opens on a forge: a marker
        nobody else can compute, so an issue planted by a person is never adopted by a retry."""
        return derive(self._master, "mcc/forge/origin-marker")

    @property
    def refresh_lifetime(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_days)
