"""Only MCC's own user may enter the data dir: it holds the database, Temporal's state,
the master key and every repository. One MCC did not create is left as it is, with a
warning in the log at start-up."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.server import MccServer
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.security.keys import master_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most shells have, under which files and directories are world-readable."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_a_data_dir_mcc_creates_is_private_whoever_creates_it_first(tmp_path, usual_umask):
    sqlite = Settings(data_dir=tmp_path / "sqlite" / "data")
    Database.from_settings(sqlite)
    assert _mode(sqlite.resolved_data_dir) == 0o700

    keys_first = Settings(data_dir=tmp_path / "key" / "data", database_url="sqlite+aiosqlite://")
    master_key(keys_first)
    assert _mode(keys_first.resolved_data_dir) == 0o700
    assert _mode(keys_first.resolved_data_dir / "secret.key") == 0o600


async def test_mcc_makes_its_data_dir_private_and_says_nothing(settings, usual_umask, caplog):
    fresh = settings.model_copy(update={"data_dir": settings.data_dir / "fresh"})
    server = MccServer(fresh, worker=False)
    with caplog.at_level(logging.WARNING, logger="api.server"):
        await server.start()
        await server.stop()
    assert _mode(fresh.resolved_data_dir) == 0o700
    assert not [r for r in caplog.records if "data dir" in r.getMessage()]


async def test_an_open_data_dir_is_left_as_it_is_with_one_warning(settings, usual_umask, caplog):
    existing = settings.data_dir / "existing"
    existing.mkdir(parents=True)
    existing.chmod(0o755)
    server = MccServer(settings.model_copy(update={"data_dir": existing}), worker=False)
    with caplog.at_level(logging.WARNING, logger="api.server"):
        await server.start()
        await server.stop()
    assert _mode(existing) == 0o755
    warnings = [r.getMessage() for r in caplog.records if "data dir" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert "mode 0755" in warnings[0] and f"chmod 700 {existing.resolve()}" in warnings[0]
