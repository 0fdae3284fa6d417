"""The live dependencies of one process, built once and handed to whoever needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from mcc.budget.alerts import Alert
from mcc.budget.auto_pause import AutoPause
from mcc.budget.store import BudgetStore
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.events import DroppedEvents, EventSink
from mcc.forge.github.api import GitHubApi
from mcc.forge.github.app_config import GitHubAppConfigSource
from mcc.forge.github.forge import GitHubForge
from mcc.forge.local import LocalForge
from mcc.forge.local_repos import LocalRepos
from mcc.forge.router import ForgeRouter
from mcc.git.runner import Git
from mcc.llm.gateway import LLMGateway
from mcc.notifications.in_app import InAppNotifier
from mcc.notifications.notification import Notification
from mcc.notifications.service import Notifications
from mcc.notifications.telegram.channel import TelegramNotifier
from mcc.notifications.telegram.pacing import Pacer
from mcc.readiness import SandboxCheck
from mcc.sandbox.sandbox import Sandbox
from mcc.security.keyring import Keyring


@dataclass
class Runtime:
    settings: Settings
    db: Database
    repos: LocalRepos
    forge: ForgeRouter  # a `Forge` that hands each call to the project's own forge
    events: EventSink
    keys: Keyring
    github: GitHubForge
    # Whether this process runs a Temporal worker (agents run here): its health then
    # reports its own sandbox and LLM, else the workers' reports (`mcc.worker_readiness`).
    runs_worker: bool = False
    _gateway: LLMGateway | None = field(default=None, repr=False)
    _sandbox: Sandbox | None = field(default=None, repr=False)
    _sandbox_check: SandboxCheck | None = field(default=None, repr=False)
    _notifications: Notifications | None = field(default=None, repr=False)
    _telegram: TelegramNotifier | None = field(default=None, repr=False)
    _auto_pause: AutoPause | None = field(default=None, repr=False)

    @property
    def gateway(self) -> LLMGateway:
        """The one path of every LLM call (built on first use: most commands never call)."""
        if self._gateway is None:
            self._gateway = LLMGateway.from_settings(self.db, _Forward(self), self.settings)
            self._gateway.on_alerts = self._deliver_alerts
        return self._gateway

    @property
    def telegram(self) -> TelegramNotifier:
        if self._telegram is None:
            self._telegram = TelegramNotifier(
                self.db,
                self.settings,
                self.keys.secrets,
                Pacer(
                    self.settings.telegram_per_chat_interval_s,
                    self.settings.telegram_global_per_second,
                ),
            )
        return self._telegram

    @property
    def notifications(self) -> Notifications:
        """`notify(owner_id, Notification)`: every channel, one path."""
        if self._notifications is None:
            self._notifications = Notifications(
                self.db, [InAppNotifier(_Forward(self)), self.telegram]
            )
        return self._notifications

    @property
    def auto_pause(self) -> AutoPause:
        """Turns the emergency pause on by itself on critical errors or a spend spike."""
        if self._auto_pause is None:
            self._auto_pause = AutoPause(
                BudgetStore.of(self.db),
                _Forward(self),
                self.notifications,
                self.settings.budget_default_daily_usd,
                self.settings.auto_pause_spend_share,
                timedelta(minutes=self.settings.auto_pause_window_minutes),
            )
        return self._auto_pause

    async def _deliver_alerts(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            await self.notifications.deliver_stored(alert.owner_id, alert.dedupe_key)

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = Sandbox.from_settings(self.settings)
        return self._sandbox

    @property
    def sandbox_check(self) -> SandboxCheck:
        if self._sandbox_check is None:
            self._sandbox_check = SandboxCheck(self.sandbox)
        return self._sandbox_check

    @classmethod
    def build(
        cls, settings: Settings, events: EventSink | None = None, *, runs_worker: bool = False
    ) -> Runtime:
        db = Database.from_settings(settings)
        repos = LocalRepos(
            settings.repos_dir,
            Git(
                settings.git_author_name,
                settings.git_author_email,
                trusted_root=settings.repos_dir,
            ),
        )
        keys = Keyring(settings)
        github_app = GitHubAppConfigSource(db, settings, keys)
        github = GitHubForge(db, repos, GitHubApi(settings, github_app), keys, settings)
        runtime = cls(
            settings=settings,
            db=db,
            repos=repos,
            forge=ForgeRouter(db, {"local": LocalForge(db, repos), "github": github}),
            events=events or DroppedEvents(),
            keys=keys,
            github=github,
            runs_worker=runs_worker,
        )
        github.notify = runtime._notify
        return runtime

    async def _notify(self, owner_id: int, note: Notification) -> None:
        await self.notifications.notify(owner_id, note)

    async def close(self) -> None:
        if self._gateway is not None:
            await self._gateway.aclose()
        if self._telegram is not None:
            await self._telegram.aclose()
        await self.db.dispose()


class _Forward:
    """Events to whatever sink the runtime has now (the server sets it after building)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        await self.runtime.events.emit(event, data, room)
