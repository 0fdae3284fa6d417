"""Short-lived JWT access tokens (HS256, key derived from the master key)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from mcc.security.errors import TokenInvalid

ISSUER = "mcc"


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    expires_at: datetime


class AccessTokens:
    def __init__(self, key: bytes, lifetime: timedelta) -> None:
        self._key = key
        self.lifetime = lifetime

    def issue(self, user_id: int, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "iss": ISSUER,
            "typ": "access",
            "iat": int(now.timestamp()),
            "exp": int((now + self.lifetime).timestamp()),
            "jti": secrets.token_urlsafe(8),
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                issuer=ISSUER,
                options={"require": ["exp", "sub", "iss", "typ"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenInvalid("the access token expired; refresh it") from exc
        except jwt.PyJWTError as exc:
            raise TokenInvalid("the access token is not valid") from exc
        if claims.get("typ") != "access":
            raise TokenInvalid("the access token is not valid")
        try:
            user_id = int(claims["sub"])
        except (TypeError, ValueError) as exc:
            raise TokenInvalid("the access token is not valid") from exc
        return AccessClaims(user_id, datetime.fromtimestamp(claims["exp"], UTC))
