"""Apply the Alembic migrations from code (used by `mcc migrate`, `mcc up` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import DBAPIError

from mcc.db.engine import shown_url
from mcc.errors import ServiceUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` up to `revision` (blocking; runs its own event loop).

    A database that cannot be reached or opened is `ServiceUnavailable` naming it
    (password hidden) and the driver's reason, not a driver's traceback.
    """
    try:
        command.upgrade(alembic_config(url), revision)
    except DBAPIError as exc:
        raise _unusable(url, str(exc.orig) or str(exc)) from exc
    except OSError as exc:  # refused, unreachable, no such host
        raise _unusable(url, exc.strerror or str(exc)) from exc


def _unusable(url: str, reason: str) -> ServiceUnavailable:
    return ServiceUnavailable(f"cannot use the database {shown_url(url)}: {reason.strip()}")
