"""A copy of an installation's state that restores by copying it back: `mcc backup DEST`.

Everything MCC must not lose lives in its data dir: the database (`mcc.db`), the
embedded Temporal's state (`temporal.db`, the runs' histories), the master key
(`secret.key`, which the stored secrets need) and each project's repository
(`repos/{id}/origin.git`). A plain `cp -r` of a running installation can copy a
database half-written; this takes each SQLite file with SQLite's online backup (a
consistent snapshot while MCC writes) and each repository with `git clone --mirror`
(consistent refs), so it is safe while MCC runs.

Order matters for a run caught in flight: Temporal's state is taken first and MCC's
database after it, so the database is never behind the histories (a step that a
history records as done has its rows in the copy; a step the copy's history repeats is
idempotent). The repositories come last: they may hold commits the database does not
know yet, never the reverse.

The backup's layout is the data dir's, so restoring is copying it into an empty data
dir (`cp -a DEST/. "$MCC_DATA_DIR"/`) with MCC stopped. What lives outside the data dir
is named in the summary for the operator to keep: a PostgreSQL database (pg_dump), an
external Temporal, an MCC_SECRET_KEY set in the environment.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from mcc.config import Settings
from mcc.errors import InvalidInput
from mcc.forge.local_repos import LocalRepos
from mcc.git.runner import Git
from mcc.security.keys import key_file

DATABASE = "mcc.db"


@dataclass
class BackupReport:
    copied: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # what the operator must keep apart


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while another process writes."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _target(dest: Path) -> Path:
    dest = dest.expanduser().resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InvalidInput(f"{dest} is not an empty directory: give a new one for the backup")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    dest.chmod(0o700)  # it holds the key and every secret the database seals
    return dest


async def back_up(settings: Settings, dest: Path) -> BackupReport:
    data = settings.resolved_data_dir
    if not data.is_dir():
        raise InvalidInput(f"there is no data dir at {data} (MCC_DATA_DIR): nothing to back up")
    dest = _target(dest)
    report = BackupReport()

    temporal = settings.temporal_state_file
    if settings.temporal_embedded and temporal.exists():
        _sqlite_copy(temporal, dest / temporal.name)
        report.copied.append(f"Temporal's state ({temporal.name})")
    elif not settings.temporal_embedded:
        report.elsewhere.append(
            f"the runs' histories, in the Temporal at {settings.temporal_address}"
        )

    url = make_url(settings.resolved_database_url)
    if not url.drivername.startswith("sqlite"):
        report.elsewhere.append("the database (MCC_DATABASE_URL): back it up with pg_dump")
    elif url.database and Path(url.database).exists():
        _sqlite_copy(Path(url.database), dest / DATABASE)
        report.copied.append(f"the database ({DATABASE})")
    else:
        raise InvalidInput(f"there is no database at {url.database}: nothing to back up")

    key = key_file(settings)
    if settings.secret_key is not None:
        report.elsewhere.append("the master key, MCC_SECRET_KEY: the stored secrets need it")
    elif key.exists():
        shutil.copy2(key, dest / key.name)
        report.copied.append(f"the master key ({key.name})")

    repos = LocalRepos(settings.repos_dir, Git())
    for project_id, origin in repos.origins():
        copy = dest / origin.relative_to(data)
        copy.parent.mkdir(parents=True, exist_ok=True)
        await repos.git.run(["clone", "--quiet", "--mirror", str(origin), str(copy)], dest)
        # The copy must not point back at the origin it came from once restored.
        await repos.git.run(["config", "--remove-section", "remote.origin"], copy)
        report.copied.append(f"project {project_id}'s repository")
    return report
