"""How many tokens a model's context window holds.

From the provider's /models list when it says (OpenRouter `context_length`,
vLLM `max_model_len`), else from the table shipped here, else a conservative
default: a request sized for a too-small window only loses old tool output,
one sized for a too-large window fails at the provider.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_CONTEXT_TOKENS = 32_768

# Published context windows (tokens) as of mid-2025, for the shipped price table's models.
SHIPPED_CONTEXT_TOKENS: Mapping[str, int] = {
    "openai/gpt-4o": 128_000,
    "openai/gpt-4o-mini": 128_000,
    "openai/gpt-4.1": 1_047_576,
    "openai/gpt-4.1-mini": 1_047_576,
    "openai/o3-mini": 200_000,
    "anthropic/claude-sonnet-4": 200_000,
    "anthropic/claude-3.5-haiku": 200_000,
    "anthropic/claude-opus-4": 200_000,
    "google/gemini-2.5-pro": 1_048_576,
    "google/gemini-2.5-flash": 1_048_576,
    "meta-llama/llama-3.3-70b-instruct": 131_072,
    "deepseek/deepseek-chat": 64_000,
    "qwen/qwen-2.5-coder-32b-instruct": 32_768,
    "mistralai/mistral-large": 128_000,
}


def context_window(model: str, provider: Mapping[str, int] | None = None) -> int:
    """The context window of `model`: the provider's figure, the shipped one, or the default."""
    for table in (provider or {}, SHIPPED_CONTEXT_TOKENS):
        if model in table and table[model] > 0:
            return table[model]
        if "/" not in model:
            bare = [tokens for name, tokens in table.items() if name.split("/", 1)[-1] == model]
            if len(bare) == 1 and bare[0] > 0:
                return bare[0]
    return DEFAULT_CONTEXT_TOKENS
