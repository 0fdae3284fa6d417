"""LLMClient against a real (scripted) OpenAI-compatible HTTP server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx2
import pytest

from mcc.llm import (
    ChatMessage,
    LLMAuthError,
    LLMBadRequest,
    LLMClient,
    LLMNoCredit,
    LLMNotConfigured,
    LLMRateLimited,
    LLMServerError,
    LLMTimeout,
    LLMUnreachable,
    ToolSpec,
)
from tests.fakes.llm_server import (
    RawSSE,
    Reply,
    Respond,
    ScriptedLLMServer,
    ScriptedToolCall,
    free_port,
    last_message,
    scripted_llm_server,
)

HELLO = [ChatMessage.system("You are terse."), ChatMessage.user("Say hello.")]

READ_FILE = ToolSpec(
    name="read_file",
    description="Read a file of the worktree.",
    parameters={
        "type": "object",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
    },
)


@pytest.fixture
async def llm() -> AsyncIterator[ScriptedLLMServer]:
    async with scripted_llm_server() as server:
        yield server


@pytest.fixture
async def client(llm: ScriptedLLMServer) -> AsyncIterator[LLMClient]:
    async with LLMClient(base_url=llm.base_url, timeout_s=5) as c:
        yield c


class _Deltas:
    def __init__(self) -> None:
        self.received: list[str] = []

    async def __call__(self, delta: str) -> None:
        self.received.append(delta)


class _RerouteTo(httpx2.AsyncBaseTransport):
    """Sends every request to the fake server, whatever host the client thinks it talks to."""

    def __init__(self, server: ScriptedLLMServer) -> None:
        self._port = server.port
        self._inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        path = "/v1" + request.url.path.removeprefix("/api/v1")
        request.url = request.url.copy_with(
            scheme="http", host="127.0.0.1", port=self._port, path=path
        )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


# --- answers ---------------------------------------------------------------


async def test_plain_completion_returns_content_usage_and_provider_cost(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(Reply(content="Hello!", prompt_tokens=20, completion_tokens=3, cost=0.00042))

    result = await client.chat("test/model", HELLO, max_tokens=50)

    assert result.content == "Hello!"
    assert result.finish_reason == "stop"
    assert result.tool_calls == []
    assert result.model == "test/model"
    assert result.response_id is not None and result.response_id.startswith("gen-")
    assert result.usage is not None
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (20, 3)
    assert result.usage.cost_usd == pytest.approx(0.00042)


async def test_cached_prompt_tokens_are_read_from_the_usage_details(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(Reply(content="again", prompt_tokens=1000, cached_tokens=900, cost=0.0001))
    llm.script(Reply(content="streamed", prompt_tokens=1000, cached_tokens=800))

    plain = await client.chat("test/model", HELLO, max_tokens=50)
    streamed = await client.chat("test/model", HELLO, max_tokens=50, on_delta=_Deltas())

    assert plain.usage is not None and plain.usage.cached_tokens == 900
    assert plain.usage.cost_usd == pytest.approx(0.0001)
    assert streamed.usage is not None and streamed.usage.cached_tokens == 800


async def test_a_cache_breakpoint_marks_the_end_of_the_stable_prefix(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(Reply(content="ok"))
    later = [ChatMessage(role="assistant", content="Hi."), ChatMessage.user("Again.")]

    await client.chat("anthropic/claude-sonnet-4", [*HELLO, *later], max_tokens=10, cache_prefix=2)

    sent = llm.chat_requests[0].body["messages"]
    assert sent[0] == {"role": "system", "content": "You are terse."}
    assert sent[1]["content"] == [
        {"type": "text", "text": "Say hello.", "cache_control": {"type": "ephemeral"}}
    ]
    assert sent[3] == {"role": "user", "content": "Again."}


async def test_request_carries_messages_tools_tool_choice_and_limits(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(Reply(content="ok"))

    await client.chat(
        "test/model",
        HELLO,
        tools=[READ_FILE],
        tool_choice="read_file",
        max_tokens=64,
        temperature=0.2,
    )

    body = llm.chat_requests[0].body
    assert body["model"] == "test/model"
    assert body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hello."},
    ]
    assert body["tools"][0]["function"]["name"] == "read_file"
    assert body["tools"][0]["function"]["parameters"]["required"] == ["path"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "read_file"}}
    assert (body["max_tokens"], body["temperature"]) == (64, 0.2)
    assert "stream" not in body
    # Only OpenRouter is asked for usage accounting: OpenAI rejects unknown fields.
    assert "usage" not in body


async def test_tool_calls_are_parsed_and_broken_arguments_kept_as_an_error(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(
        Reply(
            tool_calls=[
                ScriptedToolCall("read_file", {"path": "src/app.py"}, id="call_a"),
                ScriptedToolCall("read_file", '{"path": "READ', id="call_b"),
            ]
        )
    )

    result = await client.chat("test/model", HELLO, tools=[READ_FILE], max_tokens=100)

    assert result.finish_reason == "tool_calls"
    good, broken = result.tool_calls
    assert (good.id, good.name, good.arguments) == ("call_a", "read_file", {"path": "src/app.py"})
    assert good.arguments_error is None
    assert broken.arguments is None
    assert broken.arguments_error is not None and "not valid JSON" in broken.arguments_error
    assert broken.arguments_json == '{"path": "READ'


async def test_tool_result_goes_back_to_the_model_and_a_script_can_answer_it(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    def agent(body: dict[str, Any]) -> Reply:
        message = last_message(body)
        if message["role"] == "tool":
            return Reply(content=f"The file says: {message['content']}")
        return Reply(tool_calls=[ScriptedToolCall("read_file", {"path": "README.md"})])

    llm.script(agent, agent)

    first = await client.chat("test/model", HELLO, tools=[READ_FILE], max_tokens=100)
    call = first.tool_calls[0]
    conversation = [*HELLO, first.to_message(), ChatMessage.tool_result(call.id, "# MCC")]
    second = await client.chat("test/model", conversation, tools=[READ_FILE], max_tokens=100)

    assert second.content == "The file says: # MCC"
    sent = llm.chat_requests[1].body["messages"]
    assert sent[2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_0",
                "type": "function",
                "function": {"name": "read_file", "arguments": '{"path": "README.md"}'},
            }
        ],
    }
    assert sent[3] == {"role": "tool", "content": "# MCC", "tool_call_id": "call_0"}


# --- streaming ---------------------------------------------------------------


async def test_streaming_sends_each_content_delta_to_the_callback(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    text = "Streaming reaches the dashboard token by token."
    llm.script(Reply(content=text, chunk_chars=5, cost=0.0007))
    deltas = _Deltas()

    result = await client.chat("test/model", HELLO, max_tokens=200, on_delta=deltas)

    assert len(deltas.received) == len(range(0, len(text), 5))
    assert "".join(deltas.received) == text
    assert result.content == text
    assert result.finish_reason == "stop"
    assert result.usage is not None and result.usage.cost_usd == pytest.approx(0.0007)
    body = llm.chat_requests[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_streamed_tool_call_pieces_are_assembled_into_complete_calls(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(
        Reply(
            content="Reading both.",
            tool_calls=[
                ScriptedToolCall("read_file", {"path": "a/very/long/path/module.py"}, id="c1"),
                ScriptedToolCall("read_file", {"path": "tests/test_module.py"}, id="c2"),
            ],
        )
    )
    deltas = _Deltas()

    result = await client.chat(
        "test/model", HELLO, tools=[READ_FILE], max_tokens=200, on_delta=deltas
    )

    assert "".join(deltas.received) == "Reading both."
    assert [(c.id, c.name, c.arguments) for c in result.tool_calls] == [
        ("c1", "read_file", {"path": "a/very/long/path/module.py"}),
        ("c2", "read_file", {"path": "tests/test_module.py"}),
    ]
    assert result.finish_reason == "tool_calls"
    assert result.usage is not None and result.usage.completion_tokens > 0


async def test_streamed_tool_calls_without_an_index_are_told_apart_by_their_ids(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    def chunk(call: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": finish}
        return f"data: {json.dumps({'id': 'g', 'choices': [choice]})}\n\n"

    llm.script(
        RawSSE(
            chunk({"id": "a", "function": {"name": "read_file", "arguments": '{"path": '}})
            + chunk({"function": {"arguments": '"x.py"}'}})
            + chunk({"id": "b", "function": {"name": "read_file", "arguments": "{}"}}, "tool_calls")
            + "data: [DONE]\n\n"
        )
    )

    result = await client.chat("test/model", HELLO, max_tokens=50, on_delta=_Deltas())

    assert [(c.id, c.arguments) for c in result.tool_calls] == [("a", {"path": "x.py"}), ("b", {})]


async def test_streaming_request_answered_in_one_piece_still_reaches_the_callback(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    # Some servers ignore "stream": true and answer with a plain completion.
    llm.script(
        Respond(
            200,
            {
                "id": "x1",
                "model": "test/model",
                "choices": [
                    {"message": {"role": "assistant", "content": "whole"}, "finish_reason": "stop"}
                ],
            },
        )
    )
    deltas = _Deltas()

    result = await client.chat("test/model", HELLO, max_tokens=10, on_delta=deltas)

    assert deltas.received == ["whole"]
    assert result.content == "whole"
    assert result.usage is None  # not reported: the budget settles on its reservation


async def test_stream_cut_off_before_the_answer_finished_is_a_retryable_server_error(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    chunk = {"id": "g", "choices": [{"index": 0, "delta": {"content": "Half an ans"}}]}
    llm.script(RawSSE(f"data: {json.dumps(chunk)}\n\n"))
    deltas = _Deltas()

    with pytest.raises(LLMServerError) as caught:
        await client.chat("test/model", HELLO, max_tokens=10, on_delta=deltas)

    assert caught.value.retryable
    assert deltas.received == ["Half an ans"]


async def test_error_reported_inside_a_stream_is_classified(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    # OpenRouter reports failures after the stream started as an error chunk.
    error = {"error": {"code": 429, "message": "Upstream rate limited"}, "choices": []}
    llm.script(RawSSE(f": OPENROUTER PROCESSING\n\ndata: {json.dumps(error)}\n\n"))

    with pytest.raises(LLMRateLimited) as caught:
        await client.chat("test/model", HELLO, max_tokens=10, on_delta=_Deltas())

    assert "Upstream rate limited" in str(caught.value)


async def test_openrouter_mid_stream_failure_is_a_retryable_server_error(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    first = {"id": "g", "choices": [{"index": 0, "delta": {"content": "Start"}}]}
    failure = {
        "id": "g",
        "object": "chat.completion.chunk",
        "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}],
    }
    llm.script(
        RawSSE(f"data: {json.dumps(first)}\n\ndata: {json.dumps(failure)}\n\ndata: [DONE]\n\n")
    )

    with pytest.raises(LLMServerError, match="Provider disconnected unexpectedly") as caught:
        await client.chat("test/model", HELLO, max_tokens=10, on_delta=_Deltas())

    assert caught.value.retryable


async def test_answer_finished_with_an_error_is_not_taken_as_an_answer(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    choice = {"message": {"role": "assistant", "content": "Partial"}, "finish_reason": "error"}
    llm.script(Respond(200, {"id": "x", "choices": [choice]}))

    with pytest.raises(LLMServerError, match="ended the answer with an error"):
        await client.chat("test/model", HELLO, max_tokens=10)


async def test_a_proxy_page_instead_of_an_answer_is_a_retryable_server_error(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(RawSSE("<html><body>502 Bad Gateway</body></html>"))

    with pytest.raises(LLMServerError) as caught:
        await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retryable


async def test_garbled_stream_chunk_is_a_retryable_server_error(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.script(RawSSE('data: {"choices": [\n\n'))

    with pytest.raises(LLMServerError, match="malformed stream chunk"):
        await client.chat("test/model", HELLO, max_tokens=10, on_delta=_Deltas())


# --- failures ------------------------------------------------------------------


async def test_rate_limit_raises_retryable_error_with_retry_after_seconds(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.rate_limit_next(1, retry_after="7")
    llm.script(Reply(content="after the wait"))

    with pytest.raises(LLMRateLimited) as caught:
        await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retryable
    assert caught.value.retry_after_s == 7.0
    assert "Rate limit exceeded" in str(caught.value)
    # The client does not retry by itself; the next call (Temporal's retry) gets through.
    assert len(llm.chat_requests) == 1
    result = await client.chat("test/model", HELLO, max_tokens=10)
    assert result.content == "after the wait"


async def test_rate_limit_retry_after_as_http_date_becomes_seconds(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    llm.rate_limit_next(1, retry_after=format_datetime(when, usegmt=True))

    with pytest.raises(LLMRateLimited) as caught:
        await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retry_after_s is not None
    assert 25 <= caught.value.retry_after_s <= 30


async def test_server_error_is_retryable_and_carries_the_provider_message(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.fail_next(1, status=500, message="model overloaded")

    with pytest.raises(LLMServerError) as caught:
        await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retryable
    assert caught.value.status_code == 500
    assert "model overloaded" in str(caught.value)


async def test_unavailable_server_is_retryable_after_its_retry_after(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.fail_next(1, status=503, message="overloaded", retry_after="12")

    with pytest.raises(LLMServerError) as caught:
        await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retryable
    assert caught.value.retry_after_s == 12.0


async def test_no_credit_is_not_retried_and_says_why(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.fail_next(1, status=402, message="Insufficient credits. Add more using /credits")

    with pytest.raises(LLMNoCredit) as caught:
        await client.chat("test/model", HELLO, max_tokens=10)

    assert not caught.value.retryable
    assert "Insufficient credits" in str(caught.value)
    assert len(llm.chat_requests) == 1


async def test_rejected_key_is_a_non_retryable_auth_error_that_never_shows_the_key() -> None:
    wrong_key = "sk-or-v1-WRONGwrongWRONGwrong0123456789"
    async with (
        scripted_llm_server(require_api_key="sk-right") as llm,
        LLMClient(base_url=llm.base_url, api_key=wrong_key) as client,
    ):
        with pytest.raises(LLMAuthError) as caught:
            await client.chat("test/model", HELLO, max_tokens=10)
        shown = repr(client)

    error = caught.value
    assert not error.retryable
    assert error.status_code == 401
    assert "Incorrect API key provided" in error.reason
    assert wrong_key not in str(error)
    assert wrong_key not in error.reason
    assert wrong_key not in shown
    assert llm.chat_requests[0].bearer == wrong_key  # it was sent, only as the header


async def test_unauthorized_next_gives_auth_error_with_provider_reason(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.unauthorized_next(message="User not found.")

    with pytest.raises(LLMAuthError, match="User not found"):
        await client.chat("test/model", HELLO, max_tokens=10)


async def test_unknown_model_is_a_non_retryable_bad_request_with_provider_reason(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    llm.fail_next(1, status=400, message="nope/model is not a valid model ID")

    with pytest.raises(LLMBadRequest) as caught:
        await client.chat("nope/model", HELLO, max_tokens=10)

    assert not caught.value.retryable
    assert caught.value.status_code == 400
    assert caught.value.reason == "nope/model is not a valid model ID"


async def test_slow_server_beyond_the_timeout_raises_retryable_timeout(
    llm: ScriptedLLMServer,
) -> None:
    llm.latency_s = 1.0
    llm.script(Reply(content="too late"))

    async with LLMClient(base_url=llm.base_url, timeout_s=0.2) as client:
        with pytest.raises(LLMTimeout) as caught:
            await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retryable


async def test_latency_within_the_timeout_is_fine(llm: ScriptedLLMServer) -> None:
    llm.latency_s = 0.2
    llm.script(Reply(content="in time"))

    async with LLMClient(base_url=llm.base_url, timeout_s=2) as client:
        assert (await client.chat("test/model", HELLO, max_tokens=10)).content == "in time"


async def test_hanging_server_raises_timeout(llm: ScriptedLLMServer) -> None:
    llm.hang_next()

    async with LLMClient(base_url=llm.base_url, timeout_s=0.3) as client:
        with pytest.raises(LLMTimeout):
            await client.chat("test/model", HELLO, max_tokens=10)


async def test_stream_that_stalls_midway_raises_timeout(llm: ScriptedLLMServer) -> None:
    chunk = {"id": "g", "choices": [{"index": 0, "delta": {"content": "I am thin"}}]}
    llm.script(RawSSE(f"data: {json.dumps(chunk)}\n\n", hang_after=True))
    deltas = _Deltas()

    async with LLMClient(base_url=llm.base_url, timeout_s=0.3) as client:
        with pytest.raises(LLMTimeout):
            await client.chat("test/model", HELLO, max_tokens=10, on_delta=deltas)

    assert deltas.received == ["I am thin"]


async def test_nothing_listening_raises_retryable_unreachable() -> None:
    async with LLMClient(base_url=f"http://127.0.0.1:{free_port()}/v1", timeout_s=2) as client:
        with pytest.raises(LLMUnreachable) as caught:
            await client.chat("test/model", HELLO, max_tokens=10)

    assert caught.value.retryable
    assert "Cannot reach" in str(caught.value)


# --- keys ------------------------------------------------------------------------


@pytest.fixture
def no_key_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("MCC_LLM_API_KEY", raising=False)
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    return monkeypatch


async def test_missing_key_for_openrouter_names_both_env_vars(no_key_env: Any) -> None:
    async with LLMClient.from_env() as client:
        assert not client.configured
        with pytest.raises(LLMNotConfigured) as caught:
            await client.chat("openai/gpt-4o", HELLO, max_tokens=10)

    assert not caught.value.retryable
    assert "MCC_LLM_API_KEY" in str(caught.value)
    assert "OPENROUTER_API_KEY" in str(caught.value)


async def test_missing_key_for_another_remote_url_names_the_mcc_env_var(no_key_env: Any) -> None:
    async with LLMClient.from_env("https://api.example.com/v1") as client:
        with pytest.raises(LLMNotConfigured, match="set MCC_LLM_API_KEY"):
            await client.chat("gpt-4o", HELLO, max_tokens=10)


async def test_local_server_needs_no_key(no_key_env: Any, llm: ScriptedLLMServer) -> None:
    llm.script(Reply(content="local"))

    async with LLMClient.from_env(llm.base_url) as client:
        assert client.configured
        assert (await client.chat("test/model", HELLO, max_tokens=10)).content == "local"

    assert "authorization" not in llm.chat_requests[0].headers


async def test_key_from_mcc_llm_api_key_is_sent_as_bearer(
    no_key_env: pytest.MonkeyPatch, llm: ScriptedLLMServer
) -> None:
    no_key_env.setenv("MCC_LLM_API_KEY", "sk-mcc-secret")
    no_key_env.setenv("OPENROUTER_API_KEY", "sk-or-other")
    llm.script(Reply(content="hi"))

    async with LLMClient.from_env(llm.base_url) as client:
        await client.chat("test/model", HELLO, max_tokens=10)
        assert "sk-mcc-secret" not in repr(client)

    assert llm.chat_requests[0].headers["authorization"] == "Bearer sk-mcc-secret"


async def test_openrouter_key_is_sent_to_openrouter_with_usage_accounting(
    no_key_env: pytest.MonkeyPatch, llm: ScriptedLLMServer
) -> None:
    no_key_env.setenv("OPENROUTER_API_KEY", "sk-or-v1-secret")
    llm.script(Reply(content="hi"))

    async with LLMClient.from_env(transport=_RerouteTo(llm)) as client:
        await client.chat("test/model", HELLO, max_tokens=10)

    request = llm.chat_requests[0]
    assert request.headers["authorization"] == "Bearer sk-or-v1-secret"
    assert request.headers["host"] == "openrouter.ai"
    assert request.body["usage"] == {"include": True}


async def test_openrouter_key_is_never_sent_to_another_server(
    no_key_env: pytest.MonkeyPatch, llm: ScriptedLLMServer
) -> None:
    no_key_env.setenv("OPENROUTER_API_KEY", "sk-or-v1-secret")
    llm.script(Reply(content="hi"))

    async with LLMClient.from_env(llm.base_url) as client:
        assert not client.has_api_key
        await client.chat("test/model", HELLO, max_tokens=10)

    assert "authorization" not in llm.chat_requests[0].headers


async def test_key_is_not_sent_in_clear_text_over_the_internet() -> None:
    async with LLMClient(base_url="http://llm.example.com/v1", api_key="sk-secret") as client:
        with pytest.raises(LLMNotConfigured, match="https") as caught:
            await client.chat("m", HELLO, max_tokens=10)

    assert "sk-secret" not in str(caught.value)


# --- models ------------------------------------------------------------------------


async def test_list_models_reads_openrouter_prices_and_plain_ids(
    llm: ScriptedLLMServer, client: LLMClient
) -> None:
    models = {m.id: m for m in await client.list_models()}

    priced = models["test/model"].price
    assert priced is not None
    assert priced.input_usd_per_token == pytest.approx(1e-6)
    assert priced.output_usd_per_token == pytest.approx(2e-6)
    assert models["test/model"].context_length == 128_000
    assert models["test/unpriced"].price is None
    assert llm.requests[-1].method == "GET" and llm.requests[-1].path == "/v1/models"


def test_base_url_without_a_scheme_is_a_configuration_error() -> None:
    with pytest.raises(LLMNotConfigured, match="not an http"):
        LLMClient(base_url="openrouter.ai/api/v1")
