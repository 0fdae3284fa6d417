"""The live dependencies of one process, built once and handed to whoever needs them."""

from __future__ import annotations

from dataclasses import dataclass

from mcc.config import Settings
from mcc.db.engine import Database
from mcc.events import DroppedEvents, EventSink
from mcc.forge.local import LocalForge
from mcc.forge.local_repos import LocalRepos
from mcc.git.runner import Git
from mcc.security.keyring import Keyring


@dataclass
class Runtime:
    settings: Settings
    db: Database
    repos: LocalRepos
    forge: LocalForge
    events: EventSink
    keys: Keyring

    @classmethod
    def build(cls, settings: Settings, events: EventSink | None = None) -> Runtime:
        db = Database.from_settings(settings)
        repos = LocalRepos(
            settings.repos_dir, Git(settings.git_author_name, settings.git_author_email)
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
        await self.db.dispose()
