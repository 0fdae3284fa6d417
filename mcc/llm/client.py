"""One async client for any OpenAI-compatible /chat/completions API.

OpenRouter by default; vLLM, Ollama, llama.cpp server or any compatible base
URL work the same. The client turns each failure into a typed error, marked
retryable or not, but never retries: a retry is Temporal's decision, one per
activity attempt, so a paid call is never silently repeated in here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

from mcc.llm.catalog import ModelInfo, parse_model_list
from mcc.llm.classify import error_for_status, error_for_transport, error_in_payload
from mcc.llm.endpoint import (
    DEFAULT_BASE_URL,
    api_key_from_env,
    display_url,
    is_openrouter,
    require_usable_key,
)
from mcc.llm.errors import LLMError, LLMNotConfigured, LLMServerError
from mcc.llm.stream import StreamAssembler, sse_data
from mcc.llm.types import ChatMessage, ChatResult, ToolSpec
from mcc.llm.wire import chat_body, parse_completion

logger = logging.getLogger(__name__)

OnDelta = Callable[[str], Awaitable[None]]

_CONNECT_TIMEOUT_S = 10.0


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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`timeout_s` bounds each wait (connect, and every read: a stream may run longer).

        `usage_accounting` asks for OpenRouter's billed cost; None means "only
        when the base URL is openrouter.ai", since OpenAI itself rejects
        unknown body fields. `transport` lets tests route requests elsewhere.
        """
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise LLMNotConfigured(f"LLM base URL {display_url(base_url)!r} is not an http(s) URL")
        extra_headers = dict(headers or {})
        if any(name.lower() == "authorization" for name in extra_headers):
            raise ValueError("pass the API key as api_key, not as a header")
        self._base_url = base_url.rstrip("/")
        self._api_key = SecretStr(api_key) if api_key else None
        self._usage_accounting = (
            is_openrouter(base_url) if usage_accounting is None else usage_accounting
        )
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, _CONNECT_TIMEOUT_S)),
            headers=extra_headers,
            transport=transport,
        )

    @classmethod
    def from_env(
        cls,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout_s: float = 120.0,
        headers: Mapping[str, str] | None = None,
        usage_accounting: bool | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
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
        await self._http.aclose()

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
    ) -> ChatResult:
        """One chat completion; streamed when `on_delta` is given, which then gets each content delta.

        `tool_choice` is "auto", "none", "required" or the name of one tool.
        Raises an LLMError subclass; a failure after some deltas were
        delivered still raises, and a retry streams the answer again.
        """
        require_usable_key(self._base_url, self.has_api_key)
        body = chat_body(
            model,
            messages,
            tools=tools,
            tool_choice=tool_choice,
            max_tokens=max_tokens,
            temperature=temperature,
            stream=on_delta is not None,
            usage_accounting=self._usage_accounting,
        )
        url = f"{self._base_url}/chat/completions"
        try:
            if on_delta is None:
                response = await self._http.post(url, json=body, headers=self._auth())
                self._raise_for_status(response)
                return self._completion(response, model)
            async with self._http.stream("POST", url, json=body, headers=self._auth()) as response:
                if not response.is_success:
                    await response.aread()
                    self._raise_for_status(response)
                return await self._read_stream(response, model, on_delta)
        except httpx.TransportError as exc:
            raise error_for_transport(exc, base_url=self._base_url, secret=self._secret()) from exc

    async def list_models(self) -> list[ModelInfo]:
        """The provider's models, with prices where it publishes them (OpenRouter)."""
        require_usable_key(self._base_url, self.has_api_key, key_needed=False)
        try:
            response = await self._http.get(f"{self._base_url}/models", headers=self._auth())
        except httpx.TransportError as exc:
            raise error_for_transport(exc, base_url=self._base_url, secret=self._secret()) from exc
        self._raise_for_status(response)
        return parse_model_list(self._json(response))

    def _secret(self) -> str | None:
        return self._api_key.get_secret_value() if self._api_key else None

    def _auth(self) -> dict[str, str]:
        secret = self._secret()
        return {"Authorization": f"Bearer {secret}"} if secret else {}

    def _raise_for_status(self, response: httpx.Response) -> None:
        if response.is_success:
            return
        logger.info(
            "LLM provider %s answered %s", display_url(self._base_url), response.status_code
        )
        raise error_for_status(
            response.status_code,
            response.headers,
            response.text,
            base_url=self._base_url,
            secret=self._secret(),
        )

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise LLMServerError(
                f"LLM provider {display_url(self._base_url)} answered with invalid JSON",
                status_code=response.status_code,
            ) from None

    def _payload_error(self, body: Any) -> LLMError | None:
        """An error reported inside a 200 answer or stream chunk.

        OpenRouter does this once a response has started, sometimes next to a
        choice whose finish_reason is "error".
        """
        if isinstance(body, dict) and body.get("error"):
            return error_in_payload(body["error"], base_url=self._base_url, secret=self._secret())
        return None

    def _failed_generation(self) -> LLMServerError:
        return LLMServerError(
            f"LLM provider {display_url(self._base_url)} ended the answer with an error"
        )

    def _completion(self, response: httpx.Response, model: str) -> ChatResult:
        body = self._json(response)
        error = self._payload_error(body)
        if error is not None:
            raise error
        result = parse_completion(body, requested_model=model)
        if result.finish_reason == "error":
            raise self._failed_generation()
        return result

    async def _read_stream(
        self, response: httpx.Response, model: str, on_delta: OnDelta
    ) -> ChatResult:
        if response.headers.get("content-type", "").startswith("application/json"):
            # A server that ignores `stream` answers in one piece: deliver it as one delta.
            await response.aread()
            result = self._completion(response, model)
            if result.content:
                await on_delta(result.content)
            return result
        assembler = StreamAssembler(model)
        done = False
        async for data in sse_data(response.aiter_lines()):
            if data.strip() == "[DONE]":
                done = True
                break
            try:
                chunk = json.loads(data)
            except ValueError:
                raise LLMServerError(
                    f"LLM provider {display_url(self._base_url)} sent a malformed stream chunk"
                ) from None
            if not isinstance(chunk, dict):
                continue
            error = self._payload_error(chunk)
            if error is not None:
                raise error
            delta = assembler.feed(chunk)
            if delta:
                await on_delta(delta)
        if assembler.finish_reason == "error":
            raise self._failed_generation()
        if not done and assembler.finish_reason is None:
            raise LLMServerError(
                f"LLM provider {display_url(self._base_url)} ended the stream before the answer was complete"
            )
        return assembler.result()
