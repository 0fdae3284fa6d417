"""Before anything starts, MCC refuses what would go wrong later and less clearly: a
Temporal that another installation runs, a port that is taken, a host that is not
this machine's, a database that cannot be used."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from api.listen_check import check_listen_address
from mcc.config import Settings
from mcc.db.migrate import upgrade
from mcc.devserver import DevServer, port_open
from mcc.errors import InvalidInput, ServiceUnavailable
from tests.conftest import free_port
from tests.support.processes import start_mcc
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
