"""The LLM gateway: the `openai` SDK behind one client, typed errors, and prices.

The budget layer wraps `LLMClient.chat` with a reservation of
`worst_case_cost(estimate_prompt_tokens(...), max_tokens, price)` before the
call and settles `cost_of(result.usage, price)` after it.
"""

from mcc.llm.catalog import ModelInfo, parse_model_list, provider_prices
from mcc.llm.client import LLMClient, OnDelta
from mcc.llm.endpoint import DEFAULT_BASE_URL, KEY_ENV_VAR, OPENROUTER_KEY_ENV_VAR
from mcc.llm.errors import (
    LLMAuthError,
    LLMBadRequest,
    LLMError,
    LLMNoCredit,
    LLMNotConfigured,
    LLMRateLimited,
    LLMServerError,
    LLMTimeout,
    LLMUnreachable,
    PricesUnavailable,
    UnknownModel,
    UnknownModelPrice,
)
from mcc.llm.prices import (
    SHIPPED_PRICES,
    ModelPrice,
    PriceBook,
    PriceSource,
    cost_of,
    estimate_prompt_tokens,
    worst_case_cost,
)
from mcc.llm.types import ChatMessage, ChatResult, Role, ToolCall, ToolSpec, Usage

__all__ = [
    "DEFAULT_BASE_URL",
    "KEY_ENV_VAR",
    "OPENROUTER_KEY_ENV_VAR",
    "SHIPPED_PRICES",
    "ChatMessage",
    "ChatResult",
    "LLMAuthError",
    "LLMBadRequest",
    "LLMClient",
    "LLMError",
    "LLMNoCredit",
    "LLMNotConfigured",
    "LLMRateLimited",
    "LLMServerError",
    "LLMTimeout",
    "LLMUnreachable",
    "ModelInfo",
    "ModelPrice",
    "OnDelta",
    "PriceBook",
    "PriceSource",
    "PricesUnavailable",
    "Role",
    "ToolCall",
    "ToolSpec",
    "UnknownModel",
    "UnknownModelPrice",
    "Usage",
    "cost_of",
    "estimate_prompt_tokens",
    "parse_model_list",
    "provider_prices",
    "worst_case_cost",
]
