"""HTTP middleware: security headers on every response, the per-IP API rate limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from api.client_address import ClientAddress
from api.errors import error_response
from api.rate_limits import RateLimits
from mcc.config import Settings
from mcc.security.errors import RateLimited

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The API docs page loads its script and styles from a CDN; it gets its own policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "frame-ancestors 'none'"
)

Next = Callable[[Request], Awaitable[Response]]


def install_middleware(
    app: FastAPI, settings: Settings, limits: RateLimits, client_address: ClientAddress
) -> None:
    @app.middleware("http")
    async def rate_limit(request: Request, call_next: Next) -> Response:
        if request.url.path.startswith("/api/"):
            try:
                await limits.hit_api(client_address.of(request))
            except RateLimited as exc:
                return error_response(
                    429, exc.code, exc.message, headers={"Retry-After": str(exc.retry_after_s)}
                )
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
        if settings.secure_cookies:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
