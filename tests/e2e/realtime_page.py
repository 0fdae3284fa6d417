"""What a browser tab shows of a run, compared with what the server has (REST), and a
socket.io connection the test can cut and restore under the page's feet."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx
from playwright.async_api import Page, Request, Route, WebSocketRoute, expect

from tests.conftest import PASSWORD

SOCKET_IO = re.compile(r"/socket\.io/")


async def log_in(page: Page, url: str) -> None:
    """Open `url` logged out: the app asks for the credentials, then shows `url`."""
    await page.goto(url)
    await page.get_by_label("Email").fill("owner@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


@dataclass
class SocketCut:
    """The page's socket.io traffic through Playwright: `cut()` closes the open websocket
    and refuses every new one (and the long-polling requests) until `restore()`, as a
    network that drops the connection without the browser noticing it is offline (so
    TanStack Query's own refetch-on-reconnect does not paper over a gap)."""

    down: bool = False
    # Each open websocket: the page's side and the server's side.
    routes: list[tuple[WebSocketRoute, WebSocketRoute]] = field(default_factory=list)
    refused: int = 0

    async def install(self, page: Page) -> None:
        await page.route_web_socket(SOCKET_IO, self._websocket)
        await page.route(SOCKET_IO, self._polling)

    async def _websocket(self, ws: WebSocketRoute) -> None:
        if self.down:
            self.refused += 1
            await ws.close(code=4000, reason="cut by the test")
            return
        self.routes.append((ws, ws.connect_to_server()))

    async def _polling(self, route: Route) -> None:
        if self.down:
            self.refused += 1
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    async def cut(self) -> None:
        self.down = True
        for page_side, server_side in self.routes:
            await page_side.close(code=4000, reason="cut by the test")
            await server_side.close(code=4000, reason="cut by the test")
        self.routes.clear()

    def restore(self) -> None:
        self.down = False


@dataclass
class ApiRequests:
    """The API requests a page sent, with when (to tell a replay from a refetch)."""

    sent: list[tuple[float, str]] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_request(request: Request) -> None:
            url = urlparse(request.url)
            if url.path.startswith("/api/"):
                self.sent.append((time.monotonic(), f"{request.method} {url.path}"))

        page.on("request", on_request)

    def since(self, start: float) -> list[str]:
        return [what for at, what in self.sent if at >= start]


async def shown_message_ids(page: Page) -> list[int]:
    """The ids of the message bubbles in the open conversation, top to bottom."""
    bubbles = page.get_by_role("log", name="Conversation messages").locator("[data-message-id]")
    ids: list[str] = await bubbles.evaluate_all("els => els.map(e => e.dataset.messageId)")
    return [int(i) for i in ids]


async def expect_conversation_as_on_server(
    page: Page, client: httpx.AsyncClient, conversation_id: int
) -> list[dict[str, Any]]:
    """The open conversation shows every stored message once, in order, and its state.

    The server is read again until the two agree (or 20 s pass): a run that is still
    starting may store a message between the read and the page's next render.
    """
    deadline = time.monotonic() + 20
    while True:
        messages = (await client.get(f"/api/conversations/{conversation_id}/messages")).json()
        shown = await shown_message_ids(page)
        if shown == [m["id"] for m in messages] or time.monotonic() > deadline:
            break
        await page.wait_for_timeout(250)
    stored = [m["id"] for m in messages]
    assert shown == stored, (
        f"the page shows messages {shown}, the server has {stored}: missing"
        f" {[(m['id'], m['role'], m['author'], m['timestamp']) for m in messages if m['id'] not in shown]}"
    )
    conversation = (await client.get(f"/api/conversations/{conversation_id}")).json()
    # The chat's own header (the first one; each message has its own below it).
    header = page.get_by_role("region", name="Conversation").locator("header").first
    if conversation["status"] == "finished":
        await expect(header).to_contain_text("finished")
        await expect(header).not_to_contain_text("live")
    else:
        await expect(header).to_contain_text("paused" if conversation["paused"] else "live")
    return list(messages)


async def expect_channels_as_on_server(page: Page, client: httpx.AsyncClient, pid: int) -> None:
    """The channel list has every conversation of the project once, each live, paused or
    finished as the server says."""
    conversations = (await client.get(f"/api/projects/{pid}/conversations")).json()
    channels = page.get_by_role("navigation", name="Channels")
    links = channels.locator('a[href*="/conversations/"]')
    await expect(links).to_have_count(len(conversations), timeout=20_000)
    for conversation in conversations:
        link = channels.locator(f'a[href$="/conversations/{conversation["id"]}"]')
        state = ", paused" if conversation["paused"] else ", live"
        if conversation["status"] == "finished":
            state = ", finished"
        await expect(link).to_have_accessible_description(re.compile(re.escape(state)))


async def expect_phase(page: Page, phase: str, timeout_ms: float = 30_000) -> None:
    badge = page.get_by_role("status", name="phase of issue #1", exact=True)
    await expect(badge).to_have_attribute("data-phase", phase, timeout=timeout_ms)
