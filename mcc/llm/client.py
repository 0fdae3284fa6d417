"""One async client for any OpenAI-compatible /chat/completions API, over the `openai` SDK.

OpenRouter by default; vLLM, Ollama, llama.cpp server or any compatible base
URL work the same. The SDK does the HTTP, SSE and typing; MCC keeps what is
its own: which key goes where (`endpoint`), the one translation of provider
failures into typed errors with a retry posture (`classify`), and the shape
the gateway and the database keep (`types`). The SDK is built with
`max_retries=0`: a retry is Temporal's decision, one per activity attempt, so
a paid call is never silently repeated in here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, cast

import httpx2
import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import SecretStr

from mcc.llm.caching import with_cache_breakpoint
from mcc.llm.catalog import ModelInfo, parse_model_list
from mcc.llm.classify import error_for_sdk, error_in_payload
from mcc.llm.endpoint import (
    DEFAULT_BASE_URL,
    api_key_from_env,
    display_url,
    is_openrouter,
    require_http_url,
    require_usable_key,
)
from mcc.llm.errors import LLMError, LLMNotConfigured, LLMServerError
from mcc.llm.types import ChatMessage, ChatResult, ToolCall, ToolSpec, Usage

logger = logging.getLogger(__name__)

OnDelta = Callable[[str], Awaitable[None]]

_CONNECT_TIMEOUT_S = 10.0
_TOOL_CHOICE_MODES = ("auto", "none", "required")


class LLMClient:
    """Chat completions and the model list of one OpenAI-compatible provider.

    The API key is held as a `SecretStr`, sent only as the Bearer header, and
    appears in no repr, log line or error message.
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        headers: Mapping[str, str] | None = None,
        usage_accounting: bool | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        """`timeout_s` bounds each wait (connect, and every read: a stream may run longer).

        `usage_accounting` asks for OpenRouter's billed cost; None means "only
        when the base URL is openrouter.ai", since OpenAI itself rejects
        unknown body fields. `transport` lets tests route requests elsewhere.
        """
        require_http_url(base_url)
        extra_headers = dict(headers or {})
        if any(name.lower() == "authorization" for name in extra_headers):
            raise ValueError("pass the API key as api_key, not as a header")
        self._base_url = base_url.rstrip("/")
        self._api_key = SecretStr(api_key) if api_key else None
        self._usage_accounting = (
            is_openrouter(base_url) if usage_accounting is None else usage_accounting
        )
        timeout = httpx2.Timeout(timeout_s, connect=min(timeout_s, _CONNECT_TIMEOUT_S))
        secret = api_key or ""
        # Without a key no Authorization header is sent at all: a local server needs
        # none, and `require_usable_key` decides where one is needed.
        self._no_auth: dict[str, str | openai.Omit] = (
            {} if api_key else {"Authorization": openai.omit}
        )

        async def key() -> str:
            return secret

        self._sdk = openai.AsyncOpenAI(
            base_url=self._base_url,
            # A key provider, not a string, so the SDK never reads OPENAI_API_KEY
            # behind our back (and accepts "no key" for a local server).
            api_key=key,
            organization="",
            project="",
            timeout=timeout,
            max_retries=0,
            default_headers=extra_headers,
            http_client=httpx2.AsyncClient(timeout=timeout, transport=transport)
            if transport is not None
            else None,
        )

    @classmethod
    def from_env(
        cls,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout_s: float = 120.0,
        headers: Mapping[str, str] | None = None,
        usage_accounting: bool | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> LLMClient:
        """A client whose key is read from the environment only (see `endpoint.api_key_from_env`)."""
        return cls(
            base_url=base_url,
            api_key=api_key_from_env(base_url),
            timeout_s=timeout_s,
            headers=headers,
            usage_accounting=usage_accounting,
            transport=transport,
        )

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def has_api_key(self) -> bool:
        return self._api_key is not None

    @property
    def configured(self) -> bool:
        """Whether calls can be made at all (a key where one is needed), for health pages."""
        try:
            require_usable_key(self._base_url, self.has_api_key)
        except LLMNotConfigured:
            return False
        return True

    def __repr__(self) -> str:
        key = "set" if self.has_api_key else "none"
        return f"LLMClient(base_url={display_url(self._base_url)!r}, api_key={key})"

    async def aclose(self) -> None:
        await self._sdk.close()

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def chat(
        self,
        model: str,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float | None = None,
        tools: Sequence[ToolSpec] | None = None,
        tool_choice: str | None = None,
        on_delta: OnDelta | None = None,
        cache_prefix: int = 0,
    ) -> ChatResult:
        """One chat completion; streamed when `on_delta` is given, which then gets each content delta.

        `tool_choice` is "auto", "none", "required" or the name of one tool.
        `cache_prefix` > 0 marks the end of the first `cache_prefix` messages as a
        prompt-cache breakpoint (see `caching`). Raises an LLMError subclass; a failure after
        some deltas were delivered still raises, and a retry streams the answer again.
        """
        require_usable_key(self._base_url, self.has_api_key)
        body: dict[str, Any] = {}
        if self._usage_accounting:
            # OpenRouter: return usage.cost, what the call was actually billed.
            body["usage"] = {"include": True}
        wire_messages = with_cache_breakpoint([m.to_wire() for m in messages], cache_prefix)
        choice: Any = openai.omit
        if tool_choice is not None:
            choice = (
                tool_choice
                if tool_choice in _TOOL_CHOICE_MODES
                else {"type": "function", "function": {"name": tool_choice}}
            )
        completions = self._sdk.chat.completions
        try:
            if on_delta is None:
                completion = await completions.create(
                    model=model,
                    messages=cast(Any, wire_messages),
                    max_tokens=max_tokens,
                    temperature=openai.omit if temperature is None else temperature,
                    tools=cast(Any, [t.to_wire() for t in tools]) if tools else openai.omit,
                    tool_choice=choice,
                    extra_body=body or None,
                    extra_headers=self._no_auth,
                )
                return self._completion(completion, model)
            stream = await completions.create(
                model=model,
                messages=cast(Any, wire_messages),
                max_tokens=max_tokens,
                temperature=openai.omit if temperature is None else temperature,
                tools=cast(Any, [t.to_wire() for t in tools]) if tools else openai.omit,
                tool_choice=choice,
                stream=True,
                stream_options={"include_usage": True},
                extra_body=body or None,
                extra_headers=self._no_auth,
            )
            return await self._read_stream(stream, model, on_delta)
        except openai.APIError as exc:
            if isinstance(exc, openai.APIStatusError):
                logger.info(
                    "LLM provider %s answered %s", display_url(self._base_url), exc.status_code
                )
            raise error_for_sdk(exc, base_url=self._base_url, secret=self._secret()) from None
        except ValueError:
            # The SDK could not decode the answer (or a stream chunk) as JSON.
            raise LLMServerError(
                f"LLM provider {display_url(self._base_url)} sent a malformed stream chunk"
                if on_delta is not None
                else f"LLM provider {display_url(self._base_url)} answered with invalid JSON"
            ) from None

    async def list_models(self) -> list[ModelInfo]:
        """The provider's models, with prices and context lengths where it publishes them (OpenRouter)."""
        require_usable_key(self._base_url, self.has_api_key, key_needed=False)
        return await self._models()

    async def check_access(self) -> list[ModelInfo]:
        """The model list asked for *with* the key (free, unlike a completion), so a wrong key
        answers 401 where the provider checks keys there; on OpenRouter, whose list is public,
        its key endpoint (`GET /key`, also free) is asked as well."""
        require_usable_key(self._base_url, self.has_api_key)
        return await self._models(check_key=is_openrouter(self._base_url) and self.has_api_key)

    async def _models(self, *, check_key: bool = False) -> list[ModelInfo]:
        try:
            if check_key:
                await self._sdk.get("/key", cast_to=httpx2.Response)
            # Raw JSON: OpenRouter's `pricing` and `context_length` are not in the SDK's Model type.
            response = await self._sdk.get(
                "/models", cast_to=httpx2.Response, options={"headers": self._no_auth}
            )
            body = response.json()
        except openai.APIError as exc:
            raise error_for_sdk(exc, base_url=self._base_url, secret=self._secret()) from None
        except ValueError:
            raise LLMServerError(
                f"LLM provider {display_url(self._base_url)} answered with invalid JSON"
            ) from None
        return parse_model_list(body)

    def _secret(self) -> str | None:
        return self._api_key.get_secret_value() if self._api_key else None

    def _payload_error(self, extra: Mapping[str, Any] | None) -> LLMError | None:
        """An error reported inside a 200 answer (OpenRouter, once a response has started)."""
        error = (extra or {}).get("error")
        if error:
            return error_in_payload(error, base_url=self._base_url, secret=self._secret())
        return None

    def _failed_generation(self) -> LLMServerError:
        return LLMServerError(
            f"LLM provider {display_url(self._base_url)} ended the answer with an error"
        )

    def _completion(self, completion: object, model: str) -> ChatResult:
        if not isinstance(completion, ChatCompletion):
            # A proxy's page or a body that is not an object: not an answer.
            raise LLMServerError(
                f"LLM provider {display_url(self._base_url)} answered with something "
                "other than a chat completion"
            )
        error = self._payload_error(completion.model_extra)
        if error is not None:
            raise error
        choices = getattr(completion, "choices", None)
        if not choices:
            raise LLMServerError("LLM provider answered without any choice")
        choice = choices[0]
        message = getattr(choice, "message", None)
        calls = getattr(message, "tool_calls", None) or []
        result = ChatResult(
            content=_text(getattr(message, "content", None)),
            tool_calls=[
                _tool_call(getattr(call, "id", None), getattr(call, "function", None), i)
                for i, call in enumerate(calls)
            ],
            finish_reason=_text(getattr(choice, "finish_reason", None)),
            usage=usage_of(getattr(completion, "usage", None)),
            model=_text(getattr(completion, "model", None)) or model,
            response_id=_text(getattr(completion, "id", None)),
        )
        if result.finish_reason == "error":
            raise self._failed_generation()
        return result

    async def _read_stream(
        self, stream: openai.AsyncStream[ChatCompletionChunk], model: str, on_delta: OnDelta
    ) -> ChatResult:
        response = stream.response
        if response.headers.get("content-type", "").startswith("application/json"):
            # A server that ignores `stream` answers in one piece: deliver it as one delta.
            await response.aread()
            body = response.json()
            answer = ChatCompletion.construct(**body) if isinstance(body, dict) else body
            result = self._completion(answer, model)
            if result.content:
                await on_delta(result.content)
            return result
        content: list[str] = []
        calls: dict[int, _PartialCall] = {}
        finish_reason: str | None = None
        usage: Usage | None = None
        response_id: str | None = None
        answered_by: str | None = None
        async for chunk in stream:
            response_id = response_id or _text(getattr(chunk, "id", None))
            answered_by = _text(getattr(chunk, "model", None)) or answered_by
            usage = usage_of(getattr(chunk, "usage", None)) or usage
            for choice in getattr(chunk, "choices", None) or []:
                finish_reason = _text(getattr(choice, "finish_reason", None)) or finish_reason
                delta = getattr(choice, "delta", None)
                for piece in getattr(delta, "tool_calls", None) or []:
                    _feed_call(calls, piece)
                text = _text(getattr(delta, "content", None))
                if text:
                    content.append(text)
                    await on_delta(text)
        if finish_reason == "error":
            raise self._failed_generation()
        if finish_reason is None:
            raise LLMServerError(
                f"LLM provider {display_url(self._base_url)} ended the stream before the answer was complete"
            )
        return ChatResult(
            content="".join(content) if content else None,
            tool_calls=[
                ToolCall(id=p.id or f"call_{i}", name=p.name, arguments_json="".join(p.arguments))
                for i, p in sorted(calls.items())
            ],
            finish_reason=finish_reason,
            usage=usage,
            model=answered_by or model,
            response_id=response_id,
        )


# Streamed chunks are assembled here rather than by the SDK's ChatCompletionStreamState:
# that one rebuilds the whole message on every chunk, on the worker's event loop
# (figures: bench/README.md), and it needs every tool-call delta to carry an
# `index`, which some OpenAI-compatible servers omit.
class _PartialCall:
    def __init__(self) -> None:
        self.id: str | None = None
        self.name = ""
        self.arguments: list[str] = []


def _feed_call(calls: dict[int, _PartialCall], piece: Any) -> None:
    """One streamed piece of a tool call: the id and name first, then the arguments in parts."""
    index = getattr(piece, "index", None)
    if not isinstance(index, int) or isinstance(index, bool):
        # A server that omits the index: a new id starts a new call, anything else
        # continues the call being streamed.
        call_id = _text(getattr(piece, "id", None))
        known = next((i for i, p in calls.items() if call_id and p.id == call_id), None)
        if known is not None:
            index = known
        elif call_id:
            index = max(calls, default=-1) + 1
        else:
            index = max(calls, default=0)
    partial = calls.setdefault(index, _PartialCall())
    partial.id = _text(getattr(piece, "id", None)) or partial.id
    function = getattr(piece, "function", None)
    name = _text(getattr(function, "name", None))
    if name and name != partial.name:
        partial.name += name
    arguments = _arguments(getattr(function, "arguments", None))
    if arguments:
        partial.arguments.append(arguments)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _arguments(value: Any) -> str:
    """Tool-call arguments as the JSON text the model wrote (some servers send an object)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _tool_call(call_id: Any, function: Any, position: int) -> ToolCall:
    """A complete tool call; a server that omits the id gets a stable one by position."""
    return ToolCall(
        id=_text(call_id) or f"call_{position}",
        name=_text(getattr(function, "name", None)) or "",
        arguments_json=_arguments(getattr(function, "arguments", None)),
    )


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_of(raw: Any) -> Usage | None:
    """Usage of an answer: tokens, cached prompt tokens, and OpenRouter's billed `cost` in USD."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raw = raw.model_dump() if hasattr(raw, "model_dump") else {}
    cost = raw.get("cost")
    details = raw.get("prompt_tokens_details")
    cached = details.get("cached_tokens") if isinstance(details, dict) else None
    return Usage(
        prompt_tokens=_int(raw.get("prompt_tokens")),
        completion_tokens=_int(raw.get("completion_tokens")),
        cached_tokens=_int(cached),
        cost_usd=float(cost)
        if isinstance(cost, int | float) and not isinstance(cost, bool)
        else None,
    )
