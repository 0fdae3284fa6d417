"""The settings page: what MCC runs with (LLM, sandbox, GitHub App), never a secret's value."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Source = Literal["settings", "environment"]


class LLMSettingsOut(BaseModel):
    base_url: str = Field(description="MCC_LLM_BASE_URL, without credentials.")
    local: bool = Field(description="A local server (needs no key).")
    default_model: str = Field(description="MCC_AGENT_DEFAULT_MODEL: new agents' model.")
    orchestrator_model: str = Field(description="MCC_ORCHESTRATOR_MODEL, else the default model.")
    fallback_after_failures: int = Field(
        description="Failed attempts on an agent's model before its own fallback model is used."
    )
    key_configured: bool = Field(description="Whether a key is set (its value is never shown).")
    key_variable: str = Field(description="The environment variable(s) that hold the key.")
    state: Literal["configured", "not_configured"]
    detail: str = Field(description="A sentence: what is configured, or what to do.")


class SandboxSettingsOut(BaseModel):
    """The sandbox where agents' commands run: this process's (`mcc up`), else the live
    workers' ("unknown" while none has reported)."""

    state: Literal["ready", "missing", "broken", "off", "unknown"]
    detail: str
    install_hint: str | None = Field(description="What to install or change, when not ready.")


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class GitHubSettingsOut(BaseModel):
    """The GitHub App: values set here override MCC_GITHUB_*; secrets are only "configured"."""

    app_id: int | None
    app_id_source: Source | None
    private_key_configured: bool
    private_key_source: Source | None
    private_key_problem: str | None = Field(description="Why the key cannot be used.")
    webhook_secret_configured: bool
    webhook_secret_source: Source | None
    api_url: str
    api_url_source: Source | None = Field(description="None: GitHub's own API (the default).")
    webhook_url: str = Field(description="The payload URL to give GitHub.")
    editable: bool = Field(description="False when another account set the App up.")


class SettingsOut(BaseModel):
    llm: LLMSettingsOut
    sandbox: SandboxSettingsOut
    github: GitHubSettingsOut


class LLMTestOut(BaseModel):
    ok: bool
    message: str = Field(description="One sentence: the provider answered, or why not.")
    code: str | None = Field(description="The error's code when not ok (e.g. llm_auth_failed).")
    models: int | None = Field(description="How many models the provider lists.")
    default_model_listed: bool | None


_PEM_HINT = (
    "The private key must be the whole .pem file GitHub gave you, from "
    "-----BEGIN RSA PRIVATE KEY----- to the END line."
)


class GitHubSettingsIn(BaseModel):
    """Fields left out stay as they are; null (or "") clears one back to MCC_GITHUB_*."""

    model_config = ConfigDict(extra="forbid")

    app_id: int | None = Field(default=None, description="The App's id (its settings page).")
    private_key: str | None = Field(default=None, description="The App's private key (PEM).")
    webhook_secret: str | None = Field(default=None, description="The App's webhook secret.")
    api_url: str | None = Field(
        default=None, description="GitHub's REST API; GitHub Enterprise: https://HOST/api/v3."
    )

    @field_validator("app_id", mode="before")
    @classmethod
    def _app_id(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            raise ValueError(
                "The App id must be a whole number, as shown on the App's page on GitHub."
            )
        return value

    @field_validator("private_key", mode="before")
    @classmethod
    def _private_key(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) > 20_000:
            raise ValueError(_PEM_HINT)
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        text = value.strip() + "\n"
        try:
            load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise ValueError(_PEM_HINT) from None
        return text

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not 8 <= len(value.strip()) <= 500:
            raise ValueError("The webhook secret must be between 8 and 500 characters long.")
        return value.strip()

    @field_validator("api_url", mode="before")
    @classmethod
    def _api_url(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        import httpx

        try:
            url = httpx.URL(value.strip()) if isinstance(value, str) else None
        except httpx.InvalidURL:
            url = None
        if url is None or url.scheme not in ("http", "https") or not url.host or url.query:
            raise ValueError(
                "The API URL must be an http(s) address such as https://api.github.com."
            )
        # The App's signed tokens and installation tokens travel with every request.
        if url.scheme == "http" and url.host not in _LOOPBACK:
            raise ValueError(
                "The API URL must use https (plain http only on this machine, 127.0.0.1):"
                " MCC sends the App's tokens with every request."
            )
        return str(url).rstrip("/")
