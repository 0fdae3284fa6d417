"""HTTP clients of the servers tests start, all plain HTTP on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import httpx


def local_client(**options: Any) -> httpx.AsyncClient:
    """A client that builds no TLS context: httpx loads its certificate bundle for every
    client, even one that never speaks TLS, at more CPU than most requests a test makes
    (bench/README.md), and tests that poll a starting process make one per poll."""
    return httpx.AsyncClient(verify=False, **options)
