"""TOTP second factor (RFC 6238: 30 s steps, 6 digits, SHA-1, as authenticator apps expect)."""

from __future__ import annotations

import base64
import io
import time

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "Mission Control Center"
STEP_S = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def matching_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step `code` belongs to (±1 step of drift), if newer than `last_step`."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_S)
    for step in (current - 1, current, current + 1):
        if step > last_step and totp.at(step * STEP_S) == code:
            return step
    return None
