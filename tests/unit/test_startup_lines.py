"""What `mcc up` prints before it serves: where its state lives, and what agents need."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcc.config import Settings
from mcc.readiness import startup_lines
from mcc.sandbox.sandbox import SandboxReport

SANDBOX = SandboxReport("ok", "bubblewrap works")
LOCAL_LLM = "http://127.0.0.1:9/v1"


def test_a_relative_data_dir_is_shown_absolute_with_where_it_came_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = startup_lines(Settings(llm_base_url=LOCAL_LLM), SANDBOX)
    data_dir = tmp_path.resolve() / ".mcc-data"
    assert lines[0] == (
        f"data dir: {data_dir} (.mcc-data in the directory MCC started in;"
        " an absolute MCC_DATA_DIR finds it from anywhere)"
    )
    assert lines[1] == f"database: sqlite+aiosqlite:///{data_dir / 'mcc.db'}"


def test_an_absolute_data_dir_is_shown_as_it_is(tmp_path):
    settings = Settings(data_dir=tmp_path / "state", llm_base_url=LOCAL_LLM)
    assert startup_lines(settings, SANDBOX)[0] == f"data dir: {(tmp_path / 'state').resolve()}"


@pytest.mark.parametrize("password", ["s3cretpw", "p%40ss"])
def test_the_database_line_never_shows_its_password(tmp_path: Path, password: str):
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"postgresql+asyncpg://mcc:{password}@postgres:5432/mcc",
        llm_base_url=LOCAL_LLM,
    )
    lines = startup_lines(settings, SANDBOX)
    assert "database: postgresql+asyncpg://mcc:***@postgres:5432/mcc" in lines
    assert not [line for line in lines if password in line or "p@ss" in line]
