"""Deciding as the UI does: on the round and head commit the issue shows."""

from __future__ import annotations

from typing import Any

import httpx


async def decide(
    api: httpx.AsyncClient, project_id: int, number: int, kind: str, **body: Any
) -> httpx.Response:
    """POST `kind` (approve | reject | retry | cancel) on the issue's current round."""
    base = f"/api/projects/{project_id}/issues/{number}"
    shown = (await api.get(base)).json()
    return await api.post(
        f"{base}/{kind}", json={"round": shown["round"], "head": shown["head"], **body}
    )
