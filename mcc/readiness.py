"""What a person must fix before agents can work, told at start-up, in health and the UI.

A missing LLM key or a missing sandbox does not stop MCC from serving (the
person still reads runs and changes settings), but every issue would stop at
its first step; saying so up front is kinder than a run in needs_attention.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from mcc.config import Settings
from mcc.db.engine import shown_url
from mcc.errors import MccError
from mcc.llm.endpoint import api_key_from_env, is_local, require_http_url, require_usable_key
from mcc.redis_reach import display_redis_url
from mcc.sandbox.sandbox import Sandbox, SandboxReport, SandboxState

LLMState = Literal["configured", "not_configured"]
_SANDBOX_RECHECK_S = 60.0


@dataclass(frozen=True)
class LLMReport:
    state: LLMState
    detail: str


@dataclass(frozen=True)
class Readiness:
    """Whether agents can work, as health says it: the LLM's and the sandbox's states, and
    a sentence for each thing to fix. "unknown" where no live worker has said (an API
    process reports its workers', not its own)."""

    llm: LLMState | Literal["unknown"]
    sandbox: SandboxState | Literal["unknown"]
    problems: list[str]


def own_readiness(llm: LLMReport, sandbox: SandboxReport) -> Readiness:
    """The readiness of a process whose own agents run here (`mcc up`)."""
    problems = [f"LLM not configured: {llm.detail}"] if llm.state != "configured" else []
    if sandbox.state in ("missing", "broken"):
        problems.append(f"sandbox {sandbox.state}: {sandbox.detail}")
    return Readiness(llm.state, sandbox.state, problems)


def llm_report(settings: Settings) -> LLMReport:
    """Whether the configured LLM endpoint has what it needs: an http(s) URL (the check
    "Test connection" makes first) and a key, unless local."""
    base_url = settings.llm_base_url
    try:
        require_http_url(base_url)  # first: the key's lookup reads the URL's host
        key = api_key_from_env(base_url)
        require_usable_key(base_url, key is not None)
    except MccError as exc:
        return LLMReport("not_configured", exc.message)
    where = "a local server" if is_local(base_url) and key is None else "with an API key"
    return LLMReport("configured", f"{base_url} ({where})")


class SandboxCheck:
    """The sandbox's state, probed at most once a minute (a probe starts bwrap)."""

    def __init__(self, sandbox: Sandbox, recheck_s: float = _SANDBOX_RECHECK_S) -> None:
        self.sandbox = sandbox
        self.recheck_s = recheck_s
        self._last: tuple[float, SandboxReport] | None = None

    async def report(self) -> SandboxReport:
        now = time.monotonic()
        if self._last is None or now - self._last[0] > self.recheck_s:
            self._last = (now, await self.sandbox.probe())
        return self._last[1]


def where_state_lives(settings: Settings) -> list[str]:
    """The data dir (absolute) and the database: a relative MCC_DATA_DIR started from
    another directory is a fresh, empty install, which these lines make visible."""
    data_dir = f"data dir: {settings.resolved_data_dir}"
    if not settings.data_dir.expanduser().is_absolute():
        data_dir += (
            f" ({settings.data_dir} in the directory MCC started in;"
            " an absolute MCC_DATA_DIR finds it from anywhere)"
        )
    return [data_dir, f"database: {shown_url(settings.resolved_database_url)}"]


def startup_lines(settings: Settings, sandbox: SandboxReport) -> list[str]:
    """The start-up summary's lines: where state lives, and what agents need."""
    return [
        *where_state_lives(settings),
        *_metrics_lines(settings),
        *agent_lines(settings, sandbox),
    ]


def _metrics_lines(settings: Settings) -> list[str]:
    address = settings.temporal_metrics_address
    return [f"Temporal metrics at http://{address}/metrics"] if address else []


def agent_lines(settings: Settings, sandbox: SandboxReport) -> list[str]:
    """Whether agents can work: the LLM and the sandbox."""
    llm = llm_report(settings)
    return [
        f"LLM: {llm.detail}"
        if llm.state == "configured"
        else f"LLM: NOT CONFIGURED, agents cannot work: {llm.detail}",
        f"sandbox: {sandbox.state}: {sandbox.detail}",
    ]


def split_process_lines(settings: Settings, sandbox: SandboxReport | None) -> list[str]:
    """The start-up summary of `mcc api` (no `sandbox`: it runs no agent) or `mcc worker`:
    where state lives and what the process shares with the others, so that an operator
    sees from its log alone that it joins the same deployment as they do."""
    temporal = (
        f"Temporal: {settings.temporal_address}, namespace {settings.temporal_namespace!r},"
        f" task queue {settings.temporal_task_queue!r}"
    )
    lines = [
        *where_state_lives(settings),
        temporal,
        *_metrics_lines(settings),
        _redis_line(settings, api=sandbox is None),
    ]
    if sandbox is not None:
        lines += agent_lines(settings, sandbox)
    return lines


def _redis_line(settings: Settings, *, api: bool) -> str:
    if settings.redis_url:
        return f"Redis: {display_redis_url(settings.redis_url)}"
    lost = (
        "events of runs on other processes never reach this one's dashboards"
        if api
        else "what this worker's runs do reaches no dashboard live"
    )
    return (
        f"Redis: NOT USED (MCC_REDIS_URL unset): {lost}; give every api and worker process"
        " the same MCC_REDIS_URL"
    )
