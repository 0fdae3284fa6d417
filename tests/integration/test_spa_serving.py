"""The built SPA is served like a product: hashed assets compressed and cached for a year,
index.html revalidated on every load. Checked on a real uvicorn, over real HTTP."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.server import MccServer
from tests.support.http import local_client
from tests.support.settings import local_settings

BUNDLE = b"export const answer = 42;\n" * 400
INDEX = b'<!doctype html><script type="module" src="/assets/index-Ab12Cd34.js"></script>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A build as Vite + the precompress plugin leave it."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_bytes(INDEX)
    (root / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    asset = root / "assets" / "index-Ab12Cd34.js"
    asset.write_bytes(BUNDLE)
    asset.with_name(asset.name + ".gz").write_bytes(gzip.compress(BUNDLE))
    (root / "assets" / "logo-99aa.png").write_bytes(b"\x89PNG not compressible")
    return root


@pytest.fixture
async def site(tmp_path: Path, dist: Path, temporal_address: str) -> AsyncIterator[str]:
    settings = local_settings(
        tmp_path / "data",
        f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}",
        temporal_address,
        "mcc-spa",
        frontend_dist=dist,
    )
    server = MccServer(settings, worker=False)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


class Raw:
    """A response with the bytes as they went on the wire (httpx would decode them)."""

    def __init__(self, response: httpx.Response, content: bytes) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = content

    def json(self) -> dict:
        import json

        return dict(json.loads(self.content))


async def _get(url: str, **headers: str) -> Raw:
    async with local_client() as client:
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True)
        content = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
        return Raw(response, content)


async def test_hashed_assets_go_out_compressed_and_cached_for_a_year(site: str) -> None:
    response = await _get(f"{site}/assets/index-Ab12Cd34.js", **{"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/javascript")
    assert int(response.headers["content-length"]) == len(response.content) < len(BUNDLE) / 10
    assert gzip.decompress(response.content) == BUNDLE


async def test_a_client_that_cannot_decode_gets_the_plain_file(site: str) -> None:
    for accept in ("identity", "gzip;q=0"):
        response = await _get(f"{site}/assets/index-Ab12Cd34.js", **{"Accept-Encoding": accept})
        assert "content-encoding" not in response.headers
        assert response.content == BUNDLE
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    image = await _get(f"{site}/assets/logo-99aa.png", **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in image.headers
    assert image.headers["content-type"] == "image/png"


async def test_index_is_revalidated_on_every_load_for_every_client_route(site: str) -> None:
    for path in ("/", "/projects/3/issues/7", "/budget"):
        response = await _get(site + path)
        assert response.status_code == 200
        assert response.content == INDEX
        assert response.headers["cache-control"] == "no-cache"
    again = await _get(site + "/", **{"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    icon = await _get(f"{site}/favicon.svg")
    assert icon.headers["cache-control"] == "no-cache"


async def test_a_head_request_is_answered_like_a_get_without_the_body(site: str) -> None:
    async with local_client() as client:
        for path in ("/", "/projects/3"):
            page = await client.head(site + path)
            assert (page.status_code, page.content) == (200, b"")
            assert page.headers["content-length"] == str(len(INDEX))


async def test_an_asset_from_an_older_build_is_a_404_not_the_page(site: str) -> None:
    for path in ("/assets/index-OLDHASH.js", "/assets/..%2Findex.html", "/assets/"):
        response = await _get(site + path)
        assert response.status_code == 404, path
        assert b"<script" not in response.content
    api = await _get(f"{site}/api/nothing-here")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
