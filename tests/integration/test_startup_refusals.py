"""Before anything starts, MCC refuses what would go wrong later and less clearly: a
Temporal that another installation runs, a port that is taken, a host that is not
this machine's, a database that cannot be used."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from api.listen_check import check_listen_address
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.db.schema_check import head_revision
from mcc.devserver import DevServer, port_open
from mcc.errors import InvalidInput, ServiceUnavailable
from mcc.models.project import Project
from tests.conftest import free_port
from tests.support.http import local_client
from tests.support.processes import MCC, start_mcc
from tests.support.services import postgres_admin_dsn
from tests.support.waiting import eventually


def embedded(data_dir: Path, temporal_port: int) -> Settings:
    return Settings(
        data_dir=data_dir,
        temporal_address=f"127.0.0.1:{temporal_port}",
        temporal_ui_port=free_port(),
    )


async def test_a_temporal_another_installation_runs_is_refused_and_its_own_is_used(
    tmp_path: Path,
) -> None:
    port = free_port()
    first = DevServer(embedded(tmp_path / "first", port))
    await asyncio.to_thread(first.start)
    try:
        assert first.running_own() == (first.process and first.process.pid)
        other = DevServer(embedded(tmp_path / "second", port))
        with pytest.raises(ServiceUnavailable) as refused:
            await asyncio.to_thread(other.start)
        assert f"already answers on 127.0.0.1:{port}" in refused.value.message
        assert "MCC_TEMPORAL_ADDRESS" in refused.value.message
        # The same data dir (`mcc temporal` started it, then `mcc up`) uses it.
        again = DevServer(embedded(tmp_path / "first", port))
        await asyncio.to_thread(again.start)
        assert again.process is None and again.running_own() == first.process.pid  # type: ignore[union-attr]
    finally:
        await asyncio.to_thread(first.stop)
    assert not first.pid_file.exists()


async def test_a_restart_right_after_a_crash_waits_for_the_old_server_to_go(tmp_path: Path) -> None:
    """`mcc temporal` killed -9: its dev server gets SIGTERM and takes a moment to close
    its database. Started again at once, the new one waits for it instead of failing on
    the database's lock (or taking the dying one for a live one)."""
    settings = embedded(tmp_path / "data", free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    env.update(
        MCC_DATA_DIR=str(settings.data_dir),
        MCC_TEMPORAL_ADDRESS=settings.temporal_address,
        MCC_TEMPORAL_UI_PORT=str(settings.temporal_ui_port),
    )
    crashed = start_mcc("temporal", env, tmp_path / "temporal.log")
    server = DevServer(settings)
    try:
        await eventually(lambda: _answers(server), 60, "the first dev server to answer")
        old = server.running_own()
        os.killpg(crashed.pid, signal.SIGKILL)
        crashed.wait(timeout=10)

        await asyncio.to_thread(server.start)

        assert server.process is not None and server.running_own() == server.process.pid
        assert old is not None and _ended(old)
    finally:
        await asyncio.to_thread(server.stop)


def _ended(pid: int) -> bool:
    """Gone, or a zombie its new parent has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


async def _answers(server: DevServer) -> bool:
    return port_open(server.host, server.port) and server.running_own() is not None


def test_a_port_answered_by_anything_else_is_not_taken_for_our_temporal(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as stranger:
        port = stranger.getsockname()[1]
        settings = embedded(tmp_path / "data", port)
        settings.resolved_data_dir.mkdir(parents=True)
        # A pid file left by a dev server long gone names some other process now.
        (settings.resolved_data_dir / "temporal.pid").write_text("1\n")
        with pytest.raises(ServiceUnavailable, match="this installation did not start"):
            DevServer(settings).start(timeout_s=5)


def test_a_taken_port_is_named_before_anything_starts() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(ServiceUnavailable, match=f"port {port} on 127.0.0.1 is taken"):
            check_listen_address(Settings(port=port))
    check_listen_address(Settings(port=port))  # free again


@pytest.mark.parametrize("host", ["nosuchhost.invalid", "192.0.2.1"])
def test_a_host_that_is_not_this_machines_is_named(host: str) -> None:
    with pytest.raises(InvalidInput, match=f"MCC_HOST='{host}' is not an address"):
        check_listen_address(Settings(host=host, port=free_port()))


def test_a_missing_postgresql_database_is_named_without_its_password() -> None:
    name = f"mcc_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_admin_dsn()).set(database=name, password="hunter2")
    with pytest.raises(ServiceUnavailable) as refused:
        upgrade(Settings(database_url=url.render_as_string(False)).resolved_database_url)
    shown = url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=True)
    assert refused.value.message == (
        f'cannot use the database {shown}: database "{name}" does not exist'
    )
    assert "hunter2" not in refused.value.message


def test_an_unreachable_database_is_named_with_the_reason() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/mcc"
    with pytest.raises(
        ServiceUnavailable, match=r"cannot use the database .*: Connect call failed"
    ):
        upgrade(Settings(database_url=url).resolved_database_url)


def _split_process_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    return env | {
        "MCC_DATA_DIR": str(tmp_path / "data"),
        "MCC_DATABASE_URL": database_url,
        "MCC_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "MCC_TEMPORAL_EMBEDDED": "false",
        "MCC_PORT": str(free_port()),
        **extra,
    }


def _refusal(command: str, env: dict[str, str]) -> str:
    """What `mcc <command>` says as it refuses to start (it must end, with code 1)."""
    done = subprocess.run([*MCC, command], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stderr.strip()


@pytest.mark.parametrize("command", ["api", "worker"])
def test_api_and_worker_refuse_a_database_that_was_never_migrated(
    tmp_path: Path, command: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    said = _refusal(command, _split_process_env(tmp_path, url))
    assert said == (
        f"mcc: The database {url} is not migrated for this MCC (it has no MCC schema yet;"
        f" this MCC needs {head_revision()}): run `mcc migrate` with the same MCC_DATABASE_URL."
    )


def test_a_worker_refuses_a_database_that_does_not_answer(tmp_path: Path) -> None:
    name = f"mcc_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_admin_dsn()).set(database=name, password="hunter2")
    said = _refusal("worker", _split_process_env(tmp_path, url.render_as_string(False)))
    shown = url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=True)
    assert said == f'mcc: The database {shown} does not answer (database "{name}" does not exist).'


@pytest.mark.parametrize("command", ["api", "worker"])
def test_processes_that_share_redis_refuse_to_start_without_the_shared_key(
    tmp_path: Path, command: str, redis_url: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    upgrade(url)
    said = _refusal(command, _split_process_env(tmp_path, url, MCC_REDIS_URL=redis_url))
    assert said.startswith("mcc: MCC_SECRET_KEY is not set.")
    assert "every api and worker process needs the same key" in said


async def test_an_api_says_at_start_what_it_joins_and_what_it_lacks(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    await asyncio.to_thread(upgrade, url)
    env = _split_process_env(tmp_path, url)
    log = tmp_path / "api.log"
    api = start_mcc("api", env, log)
    try:

        async def serving() -> bool:
            async with local_client() as client:
                with contextlib.suppress(httpx.HTTPError):
                    await client.get(f"http://127.0.0.1:{env['MCC_PORT']}/api/health")
                    return True
            return False

        await eventually(serving, 60, "mcc api to serve")
    finally:
        api.send_signal(signal.SIGTERM)
        api.wait(30)
    said = log.read_text()
    port = env["MCC_PORT"]
    assert f"mcc: MCC API at http://127.0.0.1:{port}\n" in said
    assert f"mcc: database: {url}\n" in said
    assert (
        f"mcc: Temporal: {env['MCC_TEMPORAL_ADDRESS']}, namespace 'default', task queue 'mcc'\n"
        in said
    )
    assert "mcc: Redis: NOT USED (MCC_REDIS_URL unset)" in said


async def test_an_api_asked_for_json_logs_writes_one_json_object_per_line(tmp_path: Path) -> None:
    """For a log collector: the start-up summary and the warnings alike, each a record with
    its time, level and logger."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    await asyncio.to_thread(upgrade, url)
    env = _split_process_env(tmp_path, url, MCC_LOG_FORMAT="json")
    log = tmp_path / "api.log"
    api = start_mcc("api", env, log)
    try:

        async def warned() -> bool:
            return "does not answer yet" in log.read_text()

        await eventually(warned, 60, "mcc api to warn that Temporal does not answer")
    finally:
        api.send_signal(signal.SIGTERM)
        api.wait(30)
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records), records
    port = env["MCC_PORT"]
    assert {"level": "INFO", "logger": "mcc", "message": f"MCC API at http://127.0.0.1:{port}"} in [
        {k: r[k] for k in ("level", "logger", "message")} for r in records
    ]
    temporal = [r for r in records if "does not answer yet" in r["message"]]
    assert (
        temporal[0]["level"] == "WARNING" and env["MCC_TEMPORAL_ADDRESS"] in temporal[0]["message"]
    )


async def test_a_worker_that_does_not_see_the_projects_repositories_refuses_to_start(
    tmp_path: Path,
) -> None:
    """Started with another data dir than the API's (MCC_DATA_DIR unset in another
    directory, a volume not mounted), it would fail every run at its first git step."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    async with db.sessions() as session:
        session.add(Project(name="Kept", slug="kept", repo_path="/src", default_branch="main"))
        await session.commit()
    await db.dispose()
    env = _split_process_env(tmp_path, url)
    said = await asyncio.to_thread(_refusal, "worker", env)
    data_dir = tmp_path / "data"
    assert said == (
        f"mcc: None of the 1 projects' repositories is in this process's data dir {data_dir}"
        f" (looked in {data_dir / 'repos'}): every api and worker process must share one"
        " MCC_DATA_DIR (the same directory, or the same volume), or runs fail at their first"
        " git step."
    )


def test_migrate_says_what_it_applied_and_then_that_nothing_was_left(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    env = _split_process_env(tmp_path, url)
    said = []
    for _ in range(2):
        done = subprocess.run(
            [*MCC, "migrate"], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        said.append(done.stdout.strip())
    head = head_revision()
    assert said == [
        f"database migrated from no schema to migration {head} ({url})",
        f"database is up to date, at migration {head} ({url})",
    ]
