"""Alembic revisions found by what they do, so a test survives renumbering."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from mcc.db.migrate import alembic_config


def revision_before(url: str, *needles: str) -> str:
    """The revision before the newest one whose file contains every one of `needles`."""
    script = ScriptDirectory.from_config(alembic_config(url))
    adding = next(
        r
        for r in script.walk_revisions()
        if all(needle in Path(r.path).read_text() for needle in needles)
    )
    assert isinstance(adding.down_revision, str)
    return adding.down_revision
