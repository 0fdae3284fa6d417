"""Whether a request reached MCC over HTTPS, which decides the refresh cookie's Secure
flag and HSTS.

A browser drops a Secure cookie set over plain http and ignores HSTS sent there, so
both follow the request, not the address MCC listens on: HTTPS directly, or through a
trusted proxy (`MCC_TRUSTED_PROXIES`) whose `X-Forwarded-Proto` says `https`. Anyone
else's header is a claim the client wrote itself.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from api.client_address import ClientAddress


def came_over_https(connection: HTTPConnection, proxies: ClientAddress) -> bool:
    """HTTPS to MCC itself, or to the trusted proxy that forwarded the request."""
    if connection.scope.get("scheme") in {"https", "wss"}:
        return True
    peer = connection.client.host if connection.client else ""
    if not proxies.is_trusted(peer):
        return False
    schemes = [
        scheme.strip().lower()
        for header in connection.headers.getlist("x-forwarded-proto")
        for scheme in header.split(",")
        if scheme.strip()
    ]
    # The right-most value is the one our own proxy wrote; values to its left came
    # from further out, as in X-Forwarded-For.
    return bool(schemes) and schemes[-1] == "https"


def secure_cookie(
    connection: HTTPConnection, cookie_secure: bool | None, proxies: ClientAddress
) -> bool:
    """The refresh cookie's Secure flag: `MCC_COOKIE_SECURE` when set, else whether the
    request came over HTTPS."""
    if cookie_secure is not None:
        return cookie_secure
    return came_over_https(connection, proxies)
