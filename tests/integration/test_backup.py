"""`mcc backup` while MCC runs, restored by copying it into an empty data dir: the issue,
its merged work and the sessions signed with the key are all there."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import httpx

from api.server import MccServer
from mcc.backup import back_up
from mcc.config import Settings
from tests.support.decisions import decide
from tests.support.http import local_client
from tests.support.processes import MCC, mcc_env
from tests.support.repos import git, make_repo
from tests.support.waiting import wait_for_phase


def _backup(env: dict[str, str], dest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MCC, "backup", str(dest)], env=env, capture_output=True, text=True, timeout=120
    )


async def test_a_backup_taken_while_mcc_runs_restores_the_issue_its_repository_and_key(
    api: httpx.AsyncClient, mcc: MccServer, settings, company, tmp_path: Path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# kept\n"})
    name = f"Backed {uuid.uuid4().hex[:6]}"
    pid = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()[
        "id"
    ]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Say hello."})
    await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    assert (await decide(api, pid, 1, "approve")).status_code == 202
    await wait_for_phase(api, pid, 1, "done", 60)
    origin = settings.repos_dir / str(pid) / "origin.git"
    merged = git(origin, "rev-parse", "main")

    dest = tmp_path / "backup"
    made = _backup(mcc_env(settings), dest)
    assert made.returncode == 0, made.stdout + made.stderr
    said = made.stdout
    assert "copied: the master key (secret.key)\n" in said
    assert f"copied: project {pid}'s repository\n" in said
    if settings.database_url.startswith("sqlite"):
        assert "copied: the database (mcc.db)\n" in said
    else:
        assert (
            "not in the backup: the database (MCC_DATABASE_URL): back it up with pg_dump\n" in said
        )
    assert "not in the backup: the runs' histories, in the Temporal at" in said  # not embedded
    assert "Traceback" not in made.stderr

    again = _backup(mcc_env(settings), dest)
    assert again.returncode == 1 and "is not an empty directory" in again.stderr
    await mcc.stop()

    # Restored into an empty data dir, as the summary says.
    restored_dir = tmp_path / "restored"
    shutil.copytree(dest, restored_dir)
    database_url = (
        f"sqlite+aiosqlite:///{restored_dir / 'mcc.db'}"
        if settings.database_url.startswith("sqlite")
        else settings.database_url
    )
    restored = MccServer(
        settings.model_copy(update={"data_dir": restored_dir, "database_url": database_url})
    )
    await restored.start()
    try:
        async with local_client(
            base_url=f"http://127.0.0.1:{restored.port}",
            headers={"Authorization": api.headers["Authorization"]},  # signed with the key
            timeout=30,
        ) as client:
            page = await client.get(f"/api/projects/{pid}/issues/1")
            assert page.status_code == 200, page.text
            assert (page.json()["phase"], page.json()["spec"]) == ("done", "# Greet\n\nSay hello.")
        copy = restored_dir / "repos" / str(pid) / "origin.git"
        assert git(copy, "rev-parse", "main") == merged
        assert git(copy, "remote") == ""  # it does not point back at the old origin
    finally:
        await restored.stop()


def test_a_backup_of_no_installation_says_so(tmp_path: Path) -> None:
    env = mcc_env(Settings(data_dir=tmp_path / "nothing"))
    env.pop("MCC_DATABASE_URL")
    done = _backup(env, tmp_path / "backup")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"mcc: there is no data dir at {tmp_path / 'nothing'} (MCC_DATA_DIR): nothing to back up"
    )


async def test_the_embedded_temporals_state_is_copied_consistently_while_written(
    tmp_path: Path,
) -> None:
    """`temporal.db` is SQLite in WAL mode, written by the dev server: a file copy can miss
    what sits in its write-ahead log; SQLite's backup does not."""
    data = tmp_path / "data"
    (data / "repos").mkdir(parents=True)
    writer = sqlite3.connect(data / "temporal.db")
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE history (run TEXT)")
    writer.execute("INSERT INTO history VALUES ('issue/app/1')")
    writer.commit()  # in the WAL, not yet in temporal.db itself: the writer is still open
    sqlite3.connect(data / "mcc.db").close()
    try:
        report = await back_up(
            Settings(data_dir=data, temporal_embedded=True, secret_key="0" * 64),
            tmp_path / "backup",
        )
    finally:
        writer.close()
    copy = sqlite3.connect(tmp_path / "backup" / "temporal.db")
    try:
        assert copy.execute("SELECT run FROM history").fetchall() == [("issue/app/1",)]
    finally:
        copy.close()
    assert report.copied == ["Temporal's state (temporal.db)", "the database (mcc.db)"]
    assert report.elsewhere == ["the master key, MCC_SECRET_KEY: the stored secrets need it"]
