"""The settings page's "Test connection": one free request to the configured provider.

It lists the models with the key the agents would use (never a completion, so it
costs nothing and needs no budget) and says in one sentence what happened: the
provider answered, refused the key, could not be reached, or did not answer in time.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcc.config import Settings
from mcc.llm.client import LLMClient
from mcc.llm.endpoint import display_url
from mcc.llm.errors import LLMError

PROBE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    message: str
    code: str | None = None  # the error's code when not ok (llm_auth_failed, llm_unreachable…)
    models: int | None = None
    default_model_listed: bool | None = None


async def probe_llm(settings: Settings, *, timeout_s: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Ask the provider of `settings.llm_base_url` for its models with the configured key."""
    where = display_url(settings.llm_base_url)
    try:
        async with LLMClient.from_env(settings.llm_base_url, timeout_s=timeout_s) as client:
            models = await client.check_access()
    except LLMError as exc:
        return ProbeResult(ok=False, message=_sentence(exc.message), code=exc.code)
    model = settings.agent_default_model
    listed = any(m.id == model for m in models) if models else None
    message = f"{where} answered and lists {len(models)} model{'s' if len(models) != 1 else ''}."
    if listed is False:
        message += f" The default model {model} is not among them: agents using it will fail."
    return ProbeResult(ok=True, message=message, models=len(models), default_model_listed=listed)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
