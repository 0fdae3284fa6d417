"""Serve the built single-page app, with index.html for every client-side route."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>MCC</title>
<body style="font-family:sans-serif;background:#111;color:#eee;padding:2rem">
<h1>The front end is not built</h1><p>Run <code>make up</code> (or <code>make frontend</code>).
The API is at <a style="color:#8af" href="/api/docs">/api/docs</a>.</p></body>"""


def mount_spa(app: FastAPI, dist: Path) -> None:
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
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
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index)
