"""The provider's model list (GET {base_url}/models).

OpenRouter lists each model with `pricing.prompt` / `pricing.completion` as
strings of USD per token; vLLM, Ollama, llama.cpp and OpenAI list ids only.
A model whose price is missing, unparsable or negative (OpenRouter uses "-1"
for routers whose price depends on the routed model) gets `price=None`:
budgeting it needs an override, never a guessed zero.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict

from mcc.llm.prices import ModelPrice


class ModelInfo(BaseModel):
    """A model the provider serves, with its price when the provider publishes one."""

    model_config = ConfigDict(frozen=True)

    id: str
    price: ModelPrice | None = None
    context_length: int | None = None


def _usd_per_token(value: Any) -> float | None:
    try:
        usd = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(usd) or math.isinf(usd) or usd < 0:
        return None
    return usd


def _price(model_id: str, pricing: Any) -> ModelPrice | None:
    if not isinstance(pricing, dict):
        return None
    prompt = _usd_per_token(pricing.get("prompt"))
    completion = _usd_per_token(pricing.get("completion"))
    if prompt is None or completion is None:
        return None
    return ModelPrice(model=model_id, input_usd_per_token=prompt, output_usd_per_token=completion)


def parse_model_list(body: Any) -> list[ModelInfo]:
    """Models from a /models response body; entries without an id are skipped."""
    entries = body.get("data") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return []
    models: list[ModelInfo] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        model_id: str = entry["id"]
        # OpenRouter says context_length, vLLM max_model_len.
        context_length = entry.get("context_length", entry.get("max_model_len"))
        models.append(
            ModelInfo(
                id=model_id,
                price=_price(model_id, entry.get("pricing")),
                context_length=context_length if isinstance(context_length, int) else None,
            )
        )
    return models


def provider_prices(models: list[ModelInfo]) -> dict[str, ModelPrice]:
    """The priced models as the `provider` mapping a PriceBook takes."""
    return {model.id: model.price for model in models if model.price is not None}


def provider_windows(models: list[ModelInfo]) -> dict[str, int]:
    """The context lengths the provider published, by model id."""
    return {model.id: model.context_length for model in models if model.context_length}
