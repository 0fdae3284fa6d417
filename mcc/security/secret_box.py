"""AES-256-GCM sealing of stored secrets (forge tokens, TOTP seeds).

A sealed value is `v1 || nonce(12) || ciphertext+tag`; the associated data binds
it to its purpose and row, so a value copied into another column or row does
not open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mcc.errors import MccError

_VERSION = b"\x01"


class SecretUnreadable(MccError):
    code = "secret_unreadable"
    status = 500


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256-GCM needs a 32-byte key")
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, context: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())

    def open(self, sealed: bytes, context: str) -> str:
        if not sealed or sealed[:1] != _VERSION:
            raise SecretUnreadable("a stored secret has an unknown format")
        try:
            plain = self._aead.decrypt(sealed[1:13], sealed[13:], context.encode())
        except InvalidTag as exc:
            raise SecretUnreadable(
                "a stored secret cannot be decrypted (was MCC_SECRET_KEY changed?)"
            ) from exc
        return plain.decode()
