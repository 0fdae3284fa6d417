"""The master key and the keys derived from it (one per purpose, via HKDF)."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mcc.config import Settings
from mcc.data_dir import ensure_data_dir
from mcc.errors import InvalidInput


def decode_key(value: str) -> bytes:
    value = value.strip()
    for decode in (bytes.fromhex, base64.urlsafe_b64decode, base64.b64decode):
        try:
            raw = decode(value)
        except (ValueError, binascii.Error):
            continue
        if len(raw) >= 32:
            return raw
    raise InvalidInput("MCC_SECRET_KEY must be at least 32 random bytes, hex or base64 encoded")


def _key_file(path: Path) -> bytes:
    """Read the embedded mode's key, creating it once with mode 0600."""
    if not path.exists():
        ensure_data_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    try:
        return decode_key(path.read_text())
    except InvalidInput:
        raise InvalidInput(
            f"{path} does not hold a usable key (32+ random bytes, hex). Restore it from a"
            " backup; if it is removed, MCC makes a new one and the secrets stored with the"
            " old one (LLM key, GitHub App, Telegram token) must be entered again"
        ) from None


def key_file(settings: Settings) -> Path:
    """Where the embedded mode keeps its master key (used when MCC_SECRET_KEY is unset)."""
    return settings.resolved_data_dir / "secret.key"


def master_key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return decode_key(settings.secret_key.get_secret_value())
    return _key_file(key_file(settings))


def derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        master
    )
