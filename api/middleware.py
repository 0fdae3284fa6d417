"""HTTP middleware: security headers on every response, the API rate limit (per user or per IP)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from api.client_address import ClientAddress
from api.errors import error_response
from api.rate_limits import RateLimits
from api.request_scheme import came_over_https
from mcc.errors import ServiceUnavailable
from mcc.security.errors import RateLimited, TokenInvalid

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs page (`api.docs`) starts Swagger UI with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
)

Next = Callable[[Request], Awaitable[Response]]


def requester(request: Request) -> str | None:
    """Whose window an API request counts against: `user:<id>` for a valid access token.

    A person's tabs then share one window wherever they connect from, and people behind
    one address (an office NAT, a proxy) do not use up each other's. Without a valid token
    the request counts against its IP (None here).
    """
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        claims = request.app.state.runtime.keys.access_tokens.verify(token.strip())
    except TokenInvalid:
        return None
    return f"user:{claims.user_id}"


def install_middleware(app: FastAPI, limits: RateLimits, client_address: ClientAddress) -> None:
    @app.middleware("http")
    async def rate_limit(request: Request, call_next: Next) -> Response:
        # Webhooks are signed and come in bursts from a few forge addresses (MCC's own
        # comments and labels cause some): a 429 would lose them, GitHub does not retry.
        if request.url.path.startswith("/api/") and not request.url.path.startswith(
            "/api/webhooks/"
        ):
            try:
                await limits.hit_api(requester(request) or client_address.of(request))
            except RateLimited as exc:
                return error_response(
                    429, exc.code, exc.message, headers={"Retry-After": str(exc.retry_after_s)}
                )
            except ServiceUnavailable as exc:
                # Health still answers uncounted: it is where the operator reads what is down.
                if request.url.path != "/api/health":
                    return error_response(exc.status, exc.code, exc.message)
        return await call_next(request)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Next) -> Response:
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        docs = request.url.path == "/api/docs"
        headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
        if request.url.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        # Over plain http a browser ignores it (RFC 6797 8.1): only HTTPS answers carry it.
        if came_over_https(request, client_address):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
