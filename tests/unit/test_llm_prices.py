"""Prices, costs, and the worst case the budget reserves before a call."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mcc.llm import (
    SHIPPED_PRICES,
    ChatMessage,
    LLMClient,
    ModelPrice,
    PriceBook,
    ToolCall,
    ToolSpec,
    UnknownModelPrice,
    Usage,
    cost_of,
    estimate_prompt_tokens,
    parse_model_list,
    provider_prices,
    worst_case_cost,
)
from tests.fakes.llm_server import (
    Reply,
    ScriptedLLMServer,
    ScriptedToolCall,
    prompt_tokens_of,
    scripted_llm_server,
)

REQUIRED_MODELS = [
    "openai/gpt-4o",
    "openai/gpt-4o-mini",
    "openai/gpt-4.1",
    "openai/gpt-4.1-mini",
    "openai/o3-mini",
    "anthropic/claude-sonnet-4",
    "anthropic/claude-3.5-haiku",
    "anthropic/claude-opus-4",
    "google/gemini-2.5-pro",
    "google/gemini-2.5-flash",
    "meta-llama/llama-3.3-70b-instruct",
    "deepseek/deepseek-chat",
    "qwen/qwen-2.5-coder-32b-instruct",
    "mistralai/mistral-large",
]


def price(model: str, input_per_m: float, output_per_m: float) -> ModelPrice:
    return ModelPrice.per_million(model, input_per_m, output_per_m)


# --- the shipped table ----------------------------------------------------------


def test_shipped_table_prices_every_common_model_per_token() -> None:
    for model in REQUIRED_MODELS:
        shipped = SHIPPED_PRICES[model]
        # Per token, not per million: every listed model costs under $0.0001 a token.
        assert 0 < shipped.input_usd_per_token < 1e-4, model
        assert shipped.input_usd_per_token <= shipped.output_usd_per_token, model


def test_gpt_4o_costs_its_public_list_price() -> None:
    gpt_4o = PriceBook().price_of("openai/gpt-4o")
    assert gpt_4o.input_usd_per_token * 1_000_000 == pytest.approx(2.50)
    assert gpt_4o.output_usd_per_token * 1_000_000 == pytest.approx(10.00)


# --- resolution order -----------------------------------------------------------


def test_override_beats_provider_price_which_beats_shipped_table() -> None:
    model = "openai/gpt-4o"
    override = price(model, 1, 1)
    live = price(model, 2, 2)

    assert PriceBook().resolve(model) == (SHIPPED_PRICES[model], "shipped")
    assert PriceBook(provider={model: live}).resolve(model) == (live, "provider")
    assert PriceBook(overrides={model: override}, provider={model: live}).resolve(model) == (
        override,
        "override",
    )


def test_unknown_model_raises_unknown_model_price_naming_it() -> None:
    with pytest.raises(UnknownModelPrice) as caught:
        PriceBook().price_of("someone/brand-new-model")

    assert caught.value.model == "someone/brand-new-model"
    assert "someone/brand-new-model" in str(caught.value)
    assert not caught.value.retryable


def test_unknown_model_price_names_the_setting_that_prices_it() -> None:
    with pytest.raises(UnknownModelPrice) as caught:
        PriceBook().price_of("unknown/model")

    message = str(caught.value)
    assert "MCC_LLM_PRICE_OVERRIDES='{\"unknown/model\": [1e-06, 2e-06]}'" in message
    assert "default price" not in message  # no such setting exists


def test_default_price_covers_unknown_models_but_not_known_ones() -> None:
    book = PriceBook(default=price("*", 10, 30))

    fallback, source = book.resolve("someone/brand-new-model")
    assert source == "default"
    assert fallback.model == "someone/brand-new-model"
    assert fallback.output_usd_per_token == pytest.approx(30e-6)
    assert book.resolve("openai/gpt-4o-mini")[1] == "shipped"


def test_bare_model_name_of_a_direct_provider_finds_the_prefixed_price() -> None:
    # Talking to api.openai.com directly, the model is "gpt-4o", not "openai/gpt-4o".
    resolved = PriceBook().price_of("gpt-4o")
    assert resolved.model == "gpt-4o"
    assert resolved.input_usd_per_token == SHIPPED_PRICES["openai/gpt-4o"].input_usd_per_token


def test_provider_prices_from_the_model_list_feed_the_price_book() -> None:
    listing = {
        "data": [
            {"id": "vendor/a", "pricing": {"prompt": "0.000001", "completion": "0.000004"}},
            {"id": "openrouter/auto", "pricing": {"prompt": "-1", "completion": "-1"}},
            {"id": "local-llama"},
            {"name": "no id"},
        ]
    }
    models = parse_model_list(listing)

    assert [m.id for m in models] == ["vendor/a", "openrouter/auto", "local-llama"]
    assert models[1].price is None  # variable price: never guessed as free
    book = PriceBook(provider=provider_prices(models))
    assert book.price_of("vendor/a").output_usd_per_token == pytest.approx(4e-6)
    with pytest.raises(UnknownModelPrice):
        book.price_of("openrouter/auto")


# --- costs ------------------------------------------------------------------------


def test_cost_is_the_provider_reported_cost_when_present() -> None:
    usage = Usage(prompt_tokens=1000, completion_tokens=1000, cost_usd=0.5)
    assert cost_of(usage, price("m", 1, 1)) == 0.5


def test_cost_without_a_reported_cost_is_tokens_times_prices() -> None:
    usage = Usage(prompt_tokens=1_000, completion_tokens=500)
    assert cost_of(usage, price("m", 3, 15)) == pytest.approx(0.003 + 0.0075)


def test_worst_case_cost_charges_the_whole_prompt_bound_and_max_tokens() -> None:
    assert worst_case_cost(2_000, 1_000, price("m", 3, 15)) == pytest.approx(0.006 + 0.015)


# --- prompt estimate ---------------------------------------------------------------


def test_prompt_estimate_grows_with_content_tools_and_tool_calls() -> None:
    base = [ChatMessage.user("Fix the failing test in the parser.")]
    with_history = [
        *base,
        ChatMessage(
            role="assistant",
            tool_calls=[ToolCall(id="c1", name="read_file", arguments_json='{"path": "p.py"}')],
        ),
        ChatMessage.tool_result("c1", "def parse(text):\n    return text.split()\n" * 20),
    ]
    tool = ToolSpec(name="read_file", description="Read a file.", parameters={"type": "object"})

    assert estimate_prompt_tokens(base) < estimate_prompt_tokens(with_history)
    assert estimate_prompt_tokens(base) < estimate_prompt_tokens(base, [tool])


def test_prompt_estimate_counts_non_latin_text_at_least_a_token_per_character() -> None:
    chinese = "修复解析器中失败的测试" * 10  # BPE tokenizers spend 1-2 tokens per character
    assert estimate_prompt_tokens([ChatMessage.user(chinese)]) >= 2 * len(chinese)


# --- the worst case holds for real calls ----------------------------------------------


@pytest.fixture
async def llm() -> AsyncIterator[ScriptedLLMServer]:
    async with scripted_llm_server(models={"test/pricey": (15e-6, 75e-6)}) as server:
        yield server


CONVERSATIONS = {
    "prose": [
        ChatMessage.system("You are the architect of a small team. Keep specs short."),
        ChatMessage.user("Plan the login page: email, password, TOTP, remember me. " * 30),
    ],
    "code": [
        ChatMessage.system("You are a coder."),
        ChatMessage.user(
            "class Parser:\n    def __init__(self, text: str) -> None:\n"
            "        self.tokens = [t for t in text.split() if t]\n" * 40
        ),
    ],
    "tool history": [
        ChatMessage.user("Read the config."),
        ChatMessage(
            role="assistant",
            content="Reading it.",
            tool_calls=[
                ToolCall(id="call_0", name="read_file", arguments_json='{"path": "mcc.toml"}')
            ],
        ),
        ChatMessage.tool_result(
            "call_0", '{"budget": {"daily_usd": 25, "projects": {"web": 60, "api": 40}}}' * 25
        ),
    ],
    "non-latin": [ChatMessage.user("Привет! 修复这个错误。 " * 50)],
}

TOOLS = [
    ToolSpec(
        name="write_file",
        description="Write a file of the worktree, replacing it.",
        parameters={
            "type": "object",
            "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
            "required": ["path", "content"],
        },
    )
]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
@pytest.mark.parametrize("shape", list(CONVERSATIONS))
async def test_worst_case_cost_upper_bounds_the_cost_of_a_real_call(
    llm: ScriptedLLMServer, shape: str, stream: bool
) -> None:
    messages = CONVERSATIONS[shape]
    max_tokens = 50
    book = PriceBook(provider={"test/pricey": ModelPrice.per_million("test/pricey", 15, 75)})
    model_price = book.price_of("test/pricey")
    # The model answers at length (cut at max_tokens) and calls a tool.
    llm.script(
        Reply(content="Here is the plan. " * 40),
        Reply(
            content="Writing.",
            tool_calls=[ScriptedToolCall("write_file", {"path": "a.py", "content": "x = 1"})],
        ),
    )

    async def ignore(_: str) -> None:
        return None

    reserved = worst_case_cost(estimate_prompt_tokens(messages, TOOLS), max_tokens, model_price)
    async with LLMClient(base_url=llm.base_url) as client:
        for _ in range(2):
            result = await client.chat(
                "test/pricey",
                messages,
                tools=TOOLS,
                max_tokens=max_tokens,
                on_delta=ignore if stream else None,
            )
            assert result.usage is not None and result.usage.cost_usd is not None
            assert result.usage.prompt_tokens == prompt_tokens_of(llm.chat_requests[-1].body)
            assert cost_of(result.usage, model_price) <= reserved
    assert llm.chat_requests[0].body["max_tokens"] == max_tokens
