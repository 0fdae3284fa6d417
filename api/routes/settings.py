"""The settings page: the LLM (and a free connection test), the sandbox, the GitHub App.

The Telegram bot and notification preferences keep their routes under
/notifications; account and 2FA under /auth.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import CurrentUser, RuntimeDep, SessionDep
from api.schemas.error import ErrorOut
from api.schemas.settings import (
    GitHubSettingsIn,
    GitHubSettingsOut,
    LLMSettingsOut,
    LLMTestOut,
    SandboxSettingsOut,
    SettingsOut,
)
from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.forge.github.app_config import (
    GitHubAppConfig,
    StoredGitHubApp,
    effective,
    load_stored,
    save_stored,
)
from mcc.llm.endpoint import (
    KEY_ENV_VAR,
    OPENROUTER_KEY_ENV_VAR,
    api_key_from_env,
    display_url,
    is_local,
    is_openrouter,
)
from mcc.llm.probe import probe_llm
from mcc.readiness import llm_report
from mcc.runtime import Runtime
from mcc.sandbox.sandbox import SandboxReport
from mcc.worker_readiness import live_reports, workers_sandbox

router = APIRouter(prefix="/settings", tags=["settings"])
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "Another account set the GitHub App up."},
    422: {"model": ErrorOut, "description": "A value is not valid (the message says which)."},
}

NO_WORKER_REPORT = (
    "No worker has reported in the last two minutes: agents' commands run on the workers"
    " (`mcc worker`), and their sandbox shows here once one runs."
)
INSTALL_HINTS = {
    "missing": (
        "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install"
        " bubblewrap), or point MCC_SANDBOX_BWRAP at it, then restart MCC."
    ),
    "broken": (
        "bubblewrap is installed but cannot start a sandbox here: allow unprivileged user"
        " namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04"
        " kernel.apparmor_restrict_unprivileged_userns=0), or run MCC where they are allowed."
    ),
    "off": "MCC_SANDBOX=off runs agents' commands unconfined: unset it to use bubblewrap.",
}


def _llm(settings: Settings) -> LLMSettingsOut:
    base_url = settings.llm_base_url
    report = llm_report(settings)
    variable = KEY_ENV_VAR
    if is_openrouter(base_url):
        variable += f" (or {OPENROUTER_KEY_ENV_VAR})"
    return LLMSettingsOut(
        base_url=display_url(base_url),
        local=is_local(base_url),
        default_model=settings.agent_default_model,
        orchestrator_model=settings.orchestrator_model or settings.agent_default_model,
        fallback_after_failures=settings.agent_fallback_after_failures,
        key_configured=api_key_from_env(base_url) is not None,
        key_variable=variable,
        state=report.state,
        detail=report.detail,
    )


def _sandbox(report: SandboxReport) -> SandboxSettingsOut:
    return SandboxSettingsOut(
        state=report.state, detail=report.detail, install_hint=INSTALL_HINTS.get(report.state)
    )


async def _sandbox_of_agents(runtime: Runtime, session: SessionDep) -> SandboxSettingsOut:
    """This process's sandbox where its agents run (`mcc up`); else the live workers'
    (an API process's own bubblewrap says nothing of the hosts agents run on)."""
    if runtime.runs_worker:
        return _sandbox(await runtime.sandbox_check.report())
    report = workers_sandbox(await live_reports(session, utcnow()))
    if report is None:
        return SandboxSettingsOut(state="unknown", detail=NO_WORKER_REPORT, install_hint=None)
    return _sandbox(report)


def webhook_url(settings: Settings, request: Request) -> str:
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return f"{base}/api/webhooks/github"


def _github(
    config: GitHubAppConfig, stored: StoredGitHubApp, user_id: int, hook: str
) -> GitHubSettingsOut:
    sources = config.sources
    return GitHubSettingsOut(
        app_id=config.app_id,
        app_id_source=sources.get("app_id"),
        private_key_configured=config.private_key is not None,
        private_key_source=sources.get("private_key"),
        private_key_problem=config.private_key_problem,
        webhook_secret_configured=config.webhook_secret is not None,
        webhook_secret_source=sources.get("webhook_secret"),
        api_url=config.api_url,
        api_url_source=sources.get("api_url"),
        webhook_url=hook,
        editable=stored.set_by in (None, user_id),
    )


async def _github_state(
    runtime: Runtime, session: SessionDep, user_id: int, request: Request
) -> GitHubSettingsOut:
    stored = await load_stored(session)
    config = effective(runtime.settings, stored, runtime.keys.secrets)
    return _github(config, stored, user_id, webhook_url(runtime.settings, request))


@router.get("", response_model=SettingsOut)
async def read_settings(
    user: CurrentUser, session: SessionDep, runtime: RuntimeDep, request: Request
) -> SettingsOut:
    """What MCC runs with: the LLM, the sandbox (as /api/health reports it), the GitHub App."""
    return SettingsOut(
        llm=_llm(runtime.settings),
        sandbox=await _sandbox_of_agents(runtime, session),
        github=await _github_state(runtime, session, user.id, request),
    )


@router.post("/llm/test", response_model=LLMTestOut)
async def test_llm(user: CurrentUser, runtime: RuntimeDep) -> LLMTestOut:
    """One free call to the provider (its model list, with the key): ok, or why not."""
    result = await probe_llm(runtime.settings)
    return LLMTestOut(**result.__dict__)


@router.put("/github", response_model=GitHubSettingsOut, responses=FORBIDDEN)
async def update_github(
    body: GitHubSettingsIn,
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    request: Request,
) -> GitHubSettingsOut:
    """Set the App's id, key, webhook secret or API URL (secrets stored sealed, never returned)."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    await save_stored(session, runtime.keys.secrets, user.id, **changes)
    runtime.github.api.config.invalidate()
    return await _github_state(runtime, session, user.id, request)
