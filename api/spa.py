"""Serve the built single-page app, with index.html for every client-side route.

Files under `assets/` carry a content hash in their name (Vite), so browsers may keep
them for a year without asking again; the build writes `.br` and `.gz` siblings, and
the smallest one the browser accepts is sent. Everything else (index.html above all)
is revalidated on every load, so a new build reaches the page at the next reload.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>MCC</title>
<body style="font-family:sans-serif;background:#111;color:#eee;padding:2rem">
<h1>The front end is not built</h1><p>Run <code>make up</code> (or <code>make frontend</code>).
The API is at <a style="color:#8af" href="/api/docs">/api/docs</a>.</p></body>"""

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Best first: brotli is smaller than gzip on the bundle (bench/README.md).
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(request: Request) -> set[str]:
    """The content codings the client accepts (those it lists with q=0 refused)."""
    accepted = set()
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name and params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return accepted


def inside(root: Path, path: str) -> Path | None:
    """The file `path` names under `root`, or None when there is none (or it leaves `root`)."""
    candidate = (root / path).resolve()
    if path and candidate.is_file() and candidate.is_relative_to(root.resolve()):
        return candidate
    return None


def asset_response(request: Request, file: Path) -> Response:
    """A hashed asset, precompressed when the build left a variant the client accepts."""
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    accepted = accepted_encodings(request)
    for coding, suffix in ENCODINGS:
        variant = file.with_name(file.name + suffix)
        if coding in accepted and variant.is_file():
            headers["Content-Encoding"] = coding
            return FileResponse(variant, media_type=media_type, headers=headers)
    return FileResponse(file, media_type=media_type, headers=headers)


def revalidated_response(request: Request, file: Path) -> Response:
    """A file whose name stays the same across builds: the browser asks every time (304 if same)."""
    response = FileResponse(file, headers={"Cache-Control": REVALIDATE}, stat_result=file.stat())
    etag = response.headers.get("etag")
    sent = request.headers.get("if-none-match", "")
    if etag and etag in {tag.strip().removeprefix("W/") for tag in sent.split(",")}:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": REVALIDATE})
    return response


def mount_spa(app: FastAPI, dist: Path) -> None:
    # HEAD too: uptime monitors and proxies ask with it, and a 405 reads as "down".
    @app.api_route("/assets/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def asset(path: str, request: Request) -> Response:
        file = inside(dist / "assets", path)
        if file is None:
            # An old hash after a new build: a 404, never index.html parsed as a script.
            return Response("not found", status_code=404, headers={"Cache-Control": "no-store"})
        return asset_response(request, file)

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path.startswith("api/") or path == "api":
            return Response(
                '{"error":{"code":"not_found","message":"no such API route"}}',
                status_code=404,
                media_type="application/json",
            )
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        return revalidated_response(request, inside(dist, path) or index)
