"""Where LLM requests go, and which key (if any) they may carry there.

The key comes from the environment only (never the database, never a
request), and is sent only where it belongs: `MCC_LLM_API_KEY` is the key of
whatever base URL is configured, `OPENROUTER_API_KEY` is used only for
openrouter.ai, so pointing MCC at a local server cannot leak an OpenRouter
key to it. Local servers (vLLM, Ollama, llama.cpp on this machine or the
private network) need no key.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

import httpx

from mcc.llm.errors import LLMNotConfigured

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
KEY_ENV_VAR = "MCC_LLM_API_KEY"
OPENROUTER_KEY_ENV_VAR = "OPENROUTER_API_KEY"

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def _host(base_url: str) -> str:
    return httpx.URL(base_url).host.lower()


def is_openrouter(base_url: str) -> bool:
    host = _host(base_url)
    return host == "openrouter.ai" or host.endswith(".openrouter.ai")


def is_local(base_url: str) -> bool:
    """True for loopback, private-network and single-label hosts (e.g. a compose service)."""
    host = _host(base_url)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or "." not in host or host.endswith(_LOCAL_SUFFIXES)
    return address.is_loopback or address.is_private or address.is_link_local


def display_url(base_url: str) -> str:
    """The base URL without credentials or query, fit for messages and logs."""
    url = httpx.URL(base_url)
    return str(url.copy_with(username=None, password=None, query=None, fragment=None))


def api_key_from_env(base_url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The key to send to `base_url`: MCC_LLM_API_KEY, else OPENROUTER_API_KEY for openrouter.ai."""
    env = os.environ if environ is None else environ
    key = env.get(KEY_ENV_VAR, "").strip()
    if key:
        return key
    if is_openrouter(base_url):
        key = env.get(OPENROUTER_KEY_ENV_VAR, "").strip()
        if key:
            return key
    return None


def require_http_url(base_url: str) -> None:
    """Refuse a base URL the SDK could not send a request to (no http(s) scheme or no host)."""
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise LLMNotConfigured(f"LLM base URL {display_url(base_url)!r} is not an http(s) URL")


def require_usable_key(base_url: str, has_key: bool, *, key_needed: bool = True) -> None:
    """Refuse a remote base URL without a key, and a key sent in clear text over the internet."""
    local = is_local(base_url)
    if key_needed and not has_key and not local:
        env_vars = KEY_ENV_VAR
        if is_openrouter(base_url):
            env_vars += f" (or {OPENROUTER_KEY_ENV_VAR})"
        raise LLMNotConfigured(
            f"No LLM API key for {display_url(base_url)}: set {env_vars} in the environment "
            "of the MCC server and worker."
        )
    if has_key and not local and httpx.URL(base_url).scheme != "https":
        raise LLMNotConfigured(
            f"Refusing to send the LLM API key in clear text to {display_url(base_url)}: "
            "use an https:// base URL."
        )
