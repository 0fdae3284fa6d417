"""What a model costs, what a call cost, and what a call could cost at most.

The budget reserves `worst_case_cost` before a call and settles `cost_of`
after it, so both must be computable for every model the agents may use:
prices come from (in order) the person's overrides, the provider's live list
(OpenRouter's /models, cached in the database by the caller), and the table
shipped here, which is only a fallback and may lag behind the providers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mcc.llm.errors import UnknownModelPrice
from mcc.llm.types import ChatMessage, ToolSpec, Usage

PriceSource = Literal["override", "provider", "shipped", "default"]


class ModelPrice(BaseModel):
    """USD per token for a model's input (prompt) and output (completion)."""

    model_config = ConfigDict(frozen=True)

    model: str
    input_usd_per_token: float
    output_usd_per_token: float

    @classmethod
    def per_million(cls, model: str, input_usd: float, output_usd: float) -> ModelPrice:
        """Build from the per-million-token prices providers publish."""
        return cls(
            model=model,
            input_usd_per_token=input_usd / 1_000_000,
            output_usd_per_token=output_usd / 1_000_000,
        )


# Public list prices (USD per million tokens: input, output) as of mid-2025.
# Tiered prices (Gemini 2.5 Pro above 200k prompt tokens) and cache discounts
# are not modelled; open-weight models are priced at a typical OpenRouter
# provider, which may differ from the one a request is routed to.
_SHIPPED_PER_MILLION: dict[str, tuple[float, float]] = {
    "openai/gpt-4o": (2.50, 10.00),
    "openai/gpt-4o-mini": (0.15, 0.60),
    "openai/gpt-4.1": (2.00, 8.00),
    "openai/gpt-4.1-mini": (0.40, 1.60),
    "openai/o3-mini": (1.10, 4.40),
    "anthropic/claude-sonnet-4": (3.00, 15.00),
    "anthropic/claude-3.5-haiku": (0.80, 4.00),
    "anthropic/claude-opus-4": (15.00, 75.00),
    "google/gemini-2.5-pro": (1.25, 10.00),
    "google/gemini-2.5-flash": (0.30, 2.50),
    "meta-llama/llama-3.3-70b-instruct": (0.13, 0.40),
    "deepseek/deepseek-chat": (0.27, 1.10),
    "qwen/qwen-2.5-coder-32b-instruct": (0.07, 0.16),
    "mistralai/mistral-large": (2.00, 6.00),
}

SHIPPED_PRICES: Mapping[str, ModelPrice] = {
    model: ModelPrice.per_million(model, input_usd, output_usd)
    for model, (input_usd, output_usd) in _SHIPPED_PER_MILLION.items()
}


class _PriceTable:
    """One source of prices, also reachable by bare name ("gpt-4o" for "openai/gpt-4o").

    Bare names matter when the base URL is a provider's own API, whose model
    ids carry no vendor prefix; an ambiguous bare name resolves to nothing.
    """

    def __init__(self, prices: Mapping[str, ModelPrice]) -> None:
        self._prices = dict(prices)
        by_bare_name: dict[str, list[ModelPrice]] = {}
        for model, price in prices.items():
            if "/" in model:
                by_bare_name.setdefault(model.split("/", 1)[1], []).append(price)
        self._by_bare_name = {
            name: found[0] for name, found in by_bare_name.items() if len(found) == 1
        }

    def get(self, model: str) -> ModelPrice | None:
        if model in self._prices:
            return self._prices[model]
        if "/" not in model:
            return self._by_bare_name.get(model)
        return None


class PriceBook:
    """Resolves a model's price: overrides, then provider prices, then the shipped table."""

    def __init__(
        self,
        *,
        overrides: Mapping[str, ModelPrice] | None = None,
        provider: Mapping[str, ModelPrice] | None = None,
        shipped: Mapping[str, ModelPrice] = SHIPPED_PRICES,
        default: ModelPrice | None = None,
    ) -> None:
        self._sources: list[tuple[PriceSource, _PriceTable]] = [
            ("override", _PriceTable(overrides or {})),
            ("provider", _PriceTable(provider or {})),
            ("shipped", _PriceTable(shipped)),
        ]
        self._default = default

    def resolve(self, model: str) -> tuple[ModelPrice, PriceSource]:
        """The price of `model` and where it came from; raises UnknownModelPrice."""
        for source, table in self._sources:
            price = table.get(model)
            if price is not None:
                return price.model_copy(update={"model": model}), source
        if self._default is not None:
            return self._default.model_copy(update={"model": model}), "default"
        raise UnknownModelPrice(model)

    def price_of(self, model: str) -> ModelPrice:
        """The price of `model`; raises UnknownModelPrice when no source knows it."""
        return self.resolve(model)[0]


def cost_of(usage: Usage, price: ModelPrice) -> float:
    """USD a call cost: the provider's own figure when it reports one, else tokens × prices."""
    if usage.cost_usd is not None:
        return usage.cost_usd
    return (
        usage.prompt_tokens * price.input_usd_per_token
        + usage.completion_tokens * price.output_usd_per_token
    )


def worst_case_cost(prompt_tokens_bound: int, max_tokens: int, price: ModelPrice) -> float:
    """USD a call can cost at most, given an upper bound of its prompt and its max_tokens."""
    return prompt_tokens_bound * price.input_usd_per_token + max_tokens * price.output_usd_per_token


# Chat templates wrap each message in a few special tokens (role markers,
# separators); real templates use 3-5, we reserve more.
_PER_MESSAGE_OVERHEAD = 8
_PER_TOOL_OVERHEAD = 8
_REPLY_PRIMING = 8


def _text_tokens(text: str) -> int:
    """Upper estimate of the tokens of `text` without a tokenizer.

    BPE tokenizers average about 4 bytes per token on English and 3.5 on
    code, so ASCII is counted at 3 bytes per token. Non-ASCII text tokenizes
    far worse (a CJK character is 3 bytes and often 1-2 tokens), so its bytes
    count double. Dense random strings (hashes, base64) can exceed this; the
    budget settles on the provider's actual usage anyway.
    """
    if not text:
        return 0
    utf8_bytes = len(text.encode("utf-8"))
    non_ascii_bytes = utf8_bytes - len(text.encode("ascii", "ignore"))
    return math.ceil((utf8_bytes + non_ascii_bytes) / 3)


def estimate_prompt_tokens(
    messages: Sequence[ChatMessage], tools: Sequence[ToolSpec] | None = None
) -> int:
    """A conservative upper estimate of a request's prompt tokens, for the pre-flight reservation."""
    total = _REPLY_PRIMING
    for message in messages:
        total += _PER_MESSAGE_OVERHEAD + _text_tokens(message.content or "")
        total += _text_tokens(message.name or "") + _text_tokens(message.tool_call_id or "")
        for call in message.tool_calls:
            total += _PER_TOOL_OVERHEAD + _text_tokens(call.id)
            total += _text_tokens(call.name) + _text_tokens(call.arguments_json)
    for tool in tools or ():
        total += _PER_TOOL_OVERHEAD + _text_tokens(json.dumps(tool.to_wire()))
    return total
