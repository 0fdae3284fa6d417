"""A scripted OpenAI-compatible LLM server: real HTTP (uvicorn on 127.0.0.1, a free port).

It runs in its own thread with its own event loop, like a provider would run
in its own process, so a test that blocks its loop cannot stall it.

    async with scripted_llm_server() as llm:
        llm.script(Reply(content="hello"), Reply(tool_calls=[ScriptedToolCall("finish", {})]))
        llm.rate_limit_next(1, retry_after="2")
        client = LLMClient(base_url=llm.base_url)
        ...
        assert llm.requests[-1].body["model"] == "test/model"

GET /models answers the list (a wrong key, when one is sent and `require_api_key`
is set, gets 401; `hang_models_next` makes it time out). Each /chat/completions
request takes, in order: the API-key check (when
`require_api_key` is set), the next injected fault, then the next script entry.
A script entry is a `Reply` (rendered as JSON or SSE, whichever the request
asked for), a `Respond` (any status and JSON body), a `RawSSE` (a stream
written verbatim), `Hang()`, or a callable taking the request body and
returning one of those (or a dict, sent as a 200 JSON body) — e.g. "when the
last message is a tool result, answer X". An empty script answers 500 with
"script exhausted", so a test that calls more than it scripted fails loudly.

Usage is reported like a provider would: tokens counted at 4 UTF-8 bytes per
token (the typical ratio of BPE tokenizers), `max_tokens` respected (the
answer is cut, finish_reason "length"), and `cost` (USD) reported, as
OpenRouter does, for models the server has a price for.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

DEFAULT_MODELS: dict[str, tuple[float, float] | None] = {
    # model id -> (USD per input token, USD per output token); None: listed without a price
    "test/model": (1e-6, 2e-6),
    "test/pricey": (15e-6, 75e-6),
    "test/unpriced": None,
}


@dataclass
class ScriptedToolCall:
    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str | None = None  # None: "call_<n>"

    def arguments_json(self) -> str:
        return self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments)


@dataclass
class Reply:
    """An assistant answer, sent as JSON or streamed as SSE depending on the request."""

    content: str | None = None
    tool_calls: list[ScriptedToolCall] = field(default_factory=list)
    finish_reason: str | None = None  # None: "tool_calls" / "stop" / "length"
    prompt_tokens: int | None = None  # None: counted from the request
    completion_tokens: int | None = None  # None: counted from the answer
    cost: float | None = None  # None: tokens x the server's price for the model, if any
    cached_tokens: int | None = None  # reported as usage.prompt_tokens_details.cached_tokens
    model: str | None = None  # None: the requested model
    chunk_chars: int = 3  # streaming: content is sent in pieces of this many characters
    chunk_delay_s: float = 0.0


@dataclass
class Respond:
    """Any status with any JSON body (e.g. an error object inside a 200)."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RawSSE:
    """A text/event-stream body written verbatim; optionally never finished."""

    text: str
    hang_after: bool = False


@dataclass
class Hang:
    """Accept the request and never answer (until the server stops)."""


Entry = Reply | Respond | RawSSE | Hang | dict[str, Any]
ScriptEntry = Entry | Callable[[dict[str, Any]], Entry | Awaitable[Entry]]


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, None for a GET
    at: float = 0.0  # time.monotonic() when it arrived
    size: int = 0  # bytes of the request body

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


def count_tokens(text: str | list[dict[str, Any]] | None) -> int:
    """Tokens the fake bills for a text (or content parts): 4 UTF-8 bytes per token, the typical BPE ratio."""
    if isinstance(text, list):
        text = "".join(str(part.get("text", "")) for part in text)
    return math.ceil(len((text or "").encode("utf-8")) / 4)


def prompt_tokens_of(body: dict[str, Any]) -> int:
    """Prompt tokens the fake bills for a request (text fields + a chat-template overhead)."""
    total = 3
    for message in body.get("messages", []):
        total += 4 + count_tokens(message.get("content")) + count_tokens(message.get("name"))
        for call in message.get("tool_calls") or []:
            function = call.get("function", {})
            total += count_tokens(function.get("name")) + count_tokens(function.get("arguments"))
    for tool in body.get("tools") or []:
        total += count_tokens(json.dumps(tool))
    return total


def last_message(body: dict[str, Any]) -> dict[str, Any]:
    """The last message of a chat request, for callable script entries."""
    messages: list[dict[str, Any]] = body.get("messages", [])
    return messages[-1] if messages else {}


def _usd_string(usd: float) -> str:
    text = f"{usd:.12f}".rstrip("0").rstrip(".")
    return text or "0"


class ScriptedLLMServer:
    def __init__(
        self,
        *,
        models: Mapping[str, tuple[float, float] | None],
        require_api_key: str | None,
        report_cost: bool,
    ) -> None:
        self.models = dict(models)
        self.require_api_key = require_api_key
        self.report_cost = report_cost
        self.latency_s = 0.0
        self.requests: list[ReceivedRequest] = []
        self._script: deque[ScriptEntry] = deque()
        self._faults: deque[Entry] = deque()
        self._model_faults: deque[Entry] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._responses = 0
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[ReceivedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # --- scripting ---------------------------------------------------------

    def script(self, *entries: ScriptEntry) -> None:
        """Queue answers for the next chat requests, in order."""
        with self._lock:
            self._script.extend(entries)

    def fail_next(
        self,
        times: int = 1,
        *,
        status: int = 500,
        message: str = "upstream exploded",
        retry_after: str | None = None,
    ) -> None:
        """The next `times` chat requests get an OpenAI-style error (before any script entry)."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        body = {"error": {"message": message, "code": status}}
        with self._lock:
            self._faults.extend(Respond(status, body, headers) for _ in range(times))

    def rate_limit_next(self, times: int = 1, *, retry_after: str | None = "1") -> None:
        self.fail_next(times, status=429, message="Rate limit exceeded", retry_after=retry_after)

    def unauthorized_next(self, times: int = 1, *, message: str = "User not found.") -> None:
        self.fail_next(times, status=401, message=message)

    def hang_next(self, times: int = 1) -> None:
        with self._lock:
            self._faults.extend(Hang() for _ in range(times))

    def hang_models_next(self, times: int = 1) -> None:
        """The next `times` GET /models requests never answer (a provider that timed out)."""
        with self._lock:
            self._model_faults.extend(Hang() for _ in range(times))

    def fail_models_next(self, times: int = 1, *, status: int = 503) -> None:
        """The next `times` GET /models requests get an OpenAI-style error (a provider down)."""
        body = {"error": {"message": "service unavailable", "code": status}}
        with self._lock:
            self._model_faults.extend(Respond(status, body, {}) for _ in range(times))

    # --- serving -----------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )

    async def _record(self, request: Request) -> ReceivedRequest:
        raw = await request.body()
        body = json.loads(raw) if raw else None
        received = ReceivedRequest(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            at=time.monotonic(),
            size=len(raw),
        )
        with self._lock:
            self.requests.append(received)
        return received

    async def _models(self, request: Request) -> Response:
        received = await self._record(request)
        with self._lock:
            fault = self._model_faults.popleft() if self._model_faults else None
        if fault is not None:
            return await self._render(fault, {})
        # The list is public (as OpenRouter's is), but a key that is sent must be the right one,
        # as OpenAI checks it there.
        wrong = received.bearer is not None and received.bearer != self.require_api_key
        if self.require_api_key is not None and wrong:
            message = "Incorrect API key provided."
            return JSONResponse({"error": {"message": message, "code": 401}}, status_code=401)
        data: list[dict[str, Any]] = []
        for model, price in self.models.items():
            if price is None:
                data.append({"id": model, "object": "model", "owned_by": "fake"})
            else:
                data.append(
                    {
                        "id": model,
                        "name": model,
                        "context_length": 128_000,
                        "pricing": {
                            "prompt": _usd_string(price[0]),
                            "completion": _usd_string(price[1]),
                            "request": "0",
                            "image": "0",
                        },
                    }
                )
        return JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Request) -> Response:
        received = await self._record(request)
        body: dict[str, Any] = received.body
        if self.latency_s:
            await self._sleep(self.latency_s)
        if self.require_api_key is not None and received.bearer != self.require_api_key:
            given = received.bearer or "none"
            message = f"Incorrect API key provided: {given}"  # as some providers echo it
            return JSONResponse({"error": {"message": message, "code": 401}}, status_code=401)
        entry = await self._next_entry(body)
        return await self._render(entry, body)

    async def _next_entry(self, body: dict[str, Any]) -> Entry:
        with self._lock:
            self._responses += 1
            if self._faults:
                return self._faults.popleft()
            if not self._script:
                message = f"scripted LLM server: script exhausted at request {self._responses}"
                return Respond(500, {"error": {"message": message, "code": 500}})
            scripted = self._script.popleft()
        if callable(scripted):
            produced = scripted(body)
            entry: Entry = await produced if inspect.isawaitable(produced) else produced
            return entry
        return scripted

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but no longer than the server runs (so stopping never waits on it)."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(min(0.02, max(0.0, deadline - time.monotonic())))

    async def _hang(self) -> None:
        await self._sleep(math.inf)

    async def _render(self, entry: Entry, body: dict[str, Any]) -> Response:
        if isinstance(entry, dict):
            return JSONResponse(entry)
        if isinstance(entry, Respond):
            return JSONResponse(entry.body, status_code=entry.status, headers=entry.headers)
        if isinstance(entry, Hang):
            await self._hang()
            return JSONResponse({"error": {"message": "server stopping"}}, status_code=503)
        if isinstance(entry, RawSSE):
            return StreamingResponse(self._raw_sse(entry), media_type="text/event-stream")
        answer = _Answer.build(entry, body, self.models, self.report_cost)
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                answer.sse(include_usage, entry.chunk_chars, entry.chunk_delay_s),
                media_type="text/event-stream",
            )
        return JSONResponse(answer.completion())

    async def _raw_sse(self, entry: RawSSE) -> AsyncIterator[bytes]:
        yield entry.text.encode()
        if entry.hang_after:
            await self._hang()


@dataclass
class _Answer:
    id: str
    model: str
    content: str | None
    tool_calls: list[ScriptedToolCall]
    finish_reason: str
    usage: dict[str, Any]

    @classmethod
    def build(
        cls,
        reply: Reply,
        body: dict[str, Any],
        models: Mapping[str, tuple[float, float] | None],
        report_cost: bool,
    ) -> _Answer:
        model = reply.model or body.get("model") or "test/model"
        content, tool_calls = reply.content, list(reply.tool_calls)
        finish_reason = reply.finish_reason or ("tool_calls" if tool_calls else "stop")
        max_tokens = body.get("max_tokens")
        completion = count_tokens(content) + sum(
            count_tokens(c.name) + count_tokens(c.arguments_json()) for c in tool_calls
        )
        if isinstance(max_tokens, int) and completion > max_tokens:
            # Like a real model: the answer is cut at max_tokens.
            cut = (content or "").encode("utf-8")[: max_tokens * 4]
            content, tool_calls, finish_reason = cut.decode("utf-8", "ignore"), [], "length"
            completion = count_tokens(content)
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else prompt_tokens_of(body)
        if reply.completion_tokens is not None:
            completion = reply.completion_tokens
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if reply.cached_tokens is not None:
            usage["prompt_tokens_details"] = {"cached_tokens": reply.cached_tokens}
        price = models.get(model)
        if reply.cost is not None:
            usage["cost"] = reply.cost
        elif report_cost and price is not None:
            usage["cost"] = prompt * price[0] + completion * price[1]
        return cls(
            id=f"gen-{time.monotonic_ns()}",
            model=model,
            content=content,
            tool_calls=tool_calls,
            finish_reason=finish_reason,
            usage=usage,
        )

    def _call_id(self, index: int) -> str:
        return self.tool_calls[index].id or f"call_{index}"

    def completion(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": self._call_id(i),
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments_json()},
                }
                for i, c in enumerate(self.tool_calls)
            ]
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
            "usage": self.usage,
        }

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        chunk = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
        return f"data: {json.dumps(chunk)}\n\n".encode()

    async def sse(
        self, include_usage: bool, chunk_chars: int, chunk_delay_s: float
    ) -> AsyncIterator[bytes]:
        """The answer as OpenAI streams it: role, content pieces, tool-call pieces, finish, usage."""
        yield b": OPENROUTER PROCESSING\n\n"  # a keep-alive comment, as OpenRouter sends
        yield self._chunk({"role": "assistant", "content": ""})
        text = self.content or ""
        for start in range(0, len(text), max(1, chunk_chars)):
            await asyncio.sleep(chunk_delay_s)
            yield self._chunk({"content": text[start : start + chunk_chars]})
        for index, call in enumerate(self.tool_calls):
            head = {"index": index, "id": self._call_id(index), "type": "function"}
            yield self._chunk(
                {"tool_calls": [{**head, "function": {"name": call.name, "arguments": ""}}]}
            )
            arguments = call.arguments_json()
            for start in range(0, len(arguments), 5):
                piece = arguments[start : start + 5]
                yield self._chunk(
                    {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
                )
        yield self._chunk({}, finish_reason=self.finish_reason)
        if include_usage:
            final = {
                "id": self.id,
                "object": "chat.completion.chunk",
                "model": self.model,
                "choices": [],
                "usage": self.usage,
            }
            yield f"data: {json.dumps(final)}\n\n".encode()
        yield b"data: [DONE]\n\n"


def free_port() -> int:
    """A port nothing listens on right now (for "unreachable server" tests too)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def scripted_llm_server(
    *,
    models: Mapping[str, tuple[float, float] | None] = DEFAULT_MODELS,
    require_api_key: str | None = None,
    report_cost: bool = True,
) -> AsyncIterator[ScriptedLLMServer]:
    """Start a scripted LLM server on a free 127.0.0.1 port; stop it (hanging requests too) on exit."""
    fake = ScriptedLLMServer(
        models=models, require_api_key=require_api_key, report_cost=report_cost
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it, a reused keep-alive connection
    # waits ~40 ms per answer (Nagle against the client's delayed ACK), which no
    # provider's "zero latency" would have.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    fake.port = sock.getsockname()[1]
    config = uvicorn.Config(
        fake.app(),
        loop="asyncio",
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="scripted-llm", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("scripted LLM server did not start")
            await asyncio.sleep(0.01)
        yield fake
    finally:
        fake._stopping.set()
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)
        sock.close()
