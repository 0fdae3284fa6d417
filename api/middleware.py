"""HTTP middleware: security headers on every response, the API rate limit (per user or per IP)."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    # Each added one wraps those before it: the rate limit's own 429s carry the headers too.
    app.add_middleware(RateLimit, limits=limits, client_address=client_address)
    app.add_middleware(SecurityHeaders, client_address=client_address)


# Both are plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware
# runs each request's app in a task of its own and streams the body through a channel,
# which under load is most of a small request's time (figures: bench/README.md).


class RateLimit:
    """The API rate limit (per user or per IP) on every `/api/` request but webhooks."""

    def __init__(self, app: ASGIApp, limits: RateLimits, client_address: ClientAddress) -> None:
        self.app, self.limits, self.client_address = app, limits, client_address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self._refusal(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _refusal(self, request: Request) -> Response | None:
        path = request.url.path
        # Webhooks are signed and come in bursts from a few forge addresses (MCC's own
        # comments and labels cause some): a 429 would lose them, GitHub does not retry.
        if not path.startswith("/api/") or path.startswith("/api/webhooks/"):
            return None
        try:
            await self.limits.hit_api(requester(request) or self.client_address.of(request))
        except RateLimited as exc:
            return error_response(
                429, exc.code, exc.message, headers={"Retry-After": str(exc.retry_after_s)}
            )
        except ServiceUnavailable as exc:
            # Health still answers uncounted: it is where the operator reads what is down.
            if path != "/api/health":
                return error_response(exc.status, exc.code, exc.message)
        return None


class SecurityHeaders:
    """Security headers on every HTTP response, unless the response set its own."""

    def __init__(self, app: ASGIApp, client_address: ClientAddress) -> None:
        self.app, self.client_address = app, client_address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(request, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _add(self, request: Request, headers: MutableHeaders) -> None:
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        path = request.url.path
        headers.setdefault("Content-Security-Policy", DOCS_CSP if path == "/api/docs" else CSP)
        if path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        # Over plain http a browser ignores it (RFC 6797 8.1): only HTTPS answers carry it.
        if came_over_https(request, self.client_address):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
