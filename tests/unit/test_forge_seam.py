"""The forge seam: each forge satisfies `Forge`, and the orchestration never names GitHub."""

from __future__ import annotations

from pathlib import Path

from mcc.config import Settings
from mcc.forge.base import Forge
from mcc.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]


def test_every_forge_and_the_router_satisfy_the_protocol(tmp_path: Path) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path))
    assert isinstance(runtime.forge, Forge)
    for kind, forge in runtime.forge.forges.items():
        assert isinstance(forge, Forge), kind
    assert set(runtime.forge.forges) == {"local", "github"}


def test_workflows_and_activities_never_mention_github() -> None:
    for folder in ("workflows", "activities"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "github" not in path.read_text().lower(), path
