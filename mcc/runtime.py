"""The live dependencies of one process, built once and handed to whoever needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcc.config import Settings
from mcc.db.engine import Database
from mcc.events import DroppedEvents, EventSink
from mcc.forge.local import LocalForge
from mcc.forge.local_repos import LocalRepos
from mcc.git.runner import Git
from mcc.llm.gateway import LLMGateway
from mcc.readiness import SandboxCheck
from mcc.sandbox.sandbox import Sandbox
from mcc.security.keyring import Keyring


@dataclass
class Runtime:
    settings: Settings
    db: Database
    repos: LocalRepos
    forge: LocalForge
    events: EventSink
    keys: Keyring
    _gateway: LLMGateway | None = field(default=None, repr=False)
    _sandbox: Sandbox | None = field(default=None, repr=False)
    _sandbox_check: SandboxCheck | None = field(default=None, repr=False)

    @property
    def gateway(self) -> LLMGateway:
        """The one path of every LLM call (built on first use: most commands never call)."""
        if self._gateway is None:
            self._gateway = LLMGateway.from_settings(self.db, _Forward(self), self.settings)
        return self._gateway

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
    def build(cls, settings: Settings, events: EventSink | None = None) -> Runtime:
        db = Database.from_settings(settings)
        repos = LocalRepos(
            settings.repos_dir,
            Git(
                settings.git_author_name,
                settings.git_author_email,
                trusted_root=settings.repos_dir,
            ),
        )
        return cls(
            settings=settings,
            db=db,
            repos=repos,
            forge=LocalForge(db, repos),
            events=events or DroppedEvents(),
            keys=Keyring(settings),
        )

    async def close(self) -> None:
        if self._gateway is not None:
            await self._gateway.aclose()
        await self.db.dispose()


class _Forward:
    """Events to whatever sink the runtime has now (the server sets it after building)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        await self.runtime.events.emit(event, data, room)
