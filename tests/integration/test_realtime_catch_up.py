"""Gap-free realtime: a tab that lost its socket gets exactly what it missed on reconnect,
or a resync when the server no longer knows (restart), on any API process (Redis)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import redis.asyncio as aioredis

from api.redis_fanout import fanout_channel
from api.server import MccServer, RedisEvents
from mcc.db.migrate import upgrade
from tests.conftest import free_port
from tests.integration.test_scaled_mode import EMAIL, _healthy, _login
from tests.support.http import local_client
from tests.support.postgres import temporary_database
from tests.support.processes import MCC, mcc_env, start_mcc, stop
from tests.support.realtime_tab import Tab
from tests.support.repos import make_repo
from tests.support.settings import local_settings
from tests.support.waiting import eventually, wait_for_phase


def _token(api: httpx.AsyncClient) -> str:
    return api.headers["Authorization"].removeprefix("Bearer ")


async def test_a_tab_that_drops_its_socket_mid_run_gets_exactly_what_it_missed(
    api: httpx.AsyncClient, mcc: MccServer, company, tmp_path
):
    repo = make_repo(tmp_path / "src")
    pid = (
        await api.post(
            "/api/projects", json={"name": f"Live {uuid.uuid4().hex[:6]}", "repo_path": str(repo)}
        )
    ).json()["id"]
    url = f"http://127.0.0.1:{mcc.port}"
    steady, flaky = Tab(_token(api)), Tab(_token(api))
    for tab in (steady, flaky):
        await tab.connect(url)
        await tab.join("join_project", {"project_id": pid})
    room = f"project:{pid}"
    try:
        filed = await api.post(f"/api/projects/{pid}/issues", json={"title": "Go", "body": "x"})
        assert filed.status_code == 201, filed.text
        await eventually(lambda: _now(len(flaky.seqs(room)) >= 1), 60, "the run's first event")
        await flaky.drop()  # mid-run: the run goes on without this tab
        missed_from = len(steady.seqs(room))
        await wait_for_phase(api, pid, 1, "awaiting_approval", timeout_s=120)
        await flaky.connect(url)  # rejoins its project room naming the last number it saw
        # And live again: the next event in the room (another tab adds an agent).
        added = await api.post(
            "/api/agents", json={"project_id": pid, "name": "coder_9", "role": "coder"}
        )
        assert added.status_code == 201, added.text
        await eventually(
            lambda: _now(flaky.last == steady.last and steady.in_room(room)[-1][0] == "agent"),
            10,
            "the tabs to agree",
        )
    finally:
        await steady.drop()
        if flaky.client is not None:
            await flaky.drop()

    seqs = flaky.seqs(room)
    assert seqs == list(range(1, len(seqs) + 1))  # nothing missing, nothing doubled
    assert len(steady.seqs(room)) > missed_from  # the tab did miss events while away
    # Same events, same payloads, same order in every room (the run's and the user's).
    assert set(flaky.last) == set(steady.last) == {room, f"user:{api._user_id}"}  # type: ignore[attr-defined]
    for each in steady.last:
        assert flaky.in_room(each) == steady.in_room(each)
    assert flaky.resyncs == []
    phases = [data["status"] for event, data in flaky.applied if event == "task_progress"]
    assert phases[0] == "planning" and phases[-1] == "awaiting_approval"
    assert flaky.in_room(room)[-1][0] == "agent"  # the live event after the catch-up


async def test_after_a_server_restart_the_tab_is_told_to_resync(settings, tmp_path):
    first = MccServer(settings, worker=False)
    await first.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{first.port}") as api:
            from tests.conftest import login_new_user

            await login_new_user(api, first, "restart@example.com")
            tab = Tab(_token(api))
            await tab.connect(f"http://127.0.0.1:{first.port}")
            repo = make_repo(tmp_path / "src")
            await api.post("/api/projects", json={"name": "Before", "repo_path": str(repo)})
            await eventually(lambda: _now(len(tab.applied) == 1), 10, "the project event")
            await tab.drop()
    finally:
        await first.stop()
    (user_room,) = tab.last
    second = MccServer(settings, worker=False)  # same database, the in-memory log is gone
    await second.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{second.port}") as api:
            response = await api.post(
                "/api/auth/login",
                json={"email": "restart@example.com", "password": "correct horse battery staple"},
            )
            api.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
            repo = make_repo(tmp_path / "src2")
            await api.post("/api/projects", json={"name": "While away", "repo_path": str(repo)})
            await tab.connect(f"http://127.0.0.1:{second.port}")
            await tab.drop()
    finally:
        await second.stop()
    # The new server's room has one event too, but not the one the tab saw: resync, no replay.
    assert tab.resyncs == [user_room]
    assert [data["name"] for _, data in tab.applied] == ["Before"]


async def test_a_tab_reconnecting_to_the_other_api_process_gets_what_it_missed_from_redis(
    tmp_path, temporal_address, redis_url
):
    async with temporary_database() as database_url:
        await asyncio.to_thread(upgrade, database_url)
        settings = local_settings(tmp_path / "data", database_url, temporal_address, "scaled")
        env = {
            "MCC_REDIS_URL": redis_url,
            "MCC_SECRET_KEY": uuid.uuid4().hex * 2,
            "MCC_HOST": "127.0.0.1",
        }
        import subprocess

        from tests.conftest import PASSWORD

        created = subprocess.run(
            [*MCC, "user", "create", "--email", EMAIL, "--password-stdin"],
            input=PASSWORD + "\n",
            env=mcc_env(settings, **env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stderr
        ports = [free_port(), free_port()]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        apis = [
            start_mcc("api", mcc_env(settings, MCC_PORT=str(port), **env), tmp_path / f"api{n}.log")
            for n, port in enumerate(ports)
        ]
        try:
            for url in urls:
                await eventually(lambda url=url: _healthy(url), 60, f"{url} to be healthy")
            token = await _login(urls[0])
            headers = {"Authorization": f"Bearer {token}"}
            steady, flaky = Tab(token), Tab(token)
            await steady.connect(urls[1])
            await flaky.connect(urls[0])
            async with local_client(base_url=urls[0], headers=headers, timeout=30) as one:
                names = [f"P{n}" for n in range(5)]
                repos = [make_repo(tmp_path / name) for name in names]
                await one.post("/api/projects", json={"name": "P0", "repo_path": str(repos[0])})
                await eventually(lambda: _now(len(flaky.applied) == 1), 10, "the first event")
                await flaky.drop()
                for name, repo in zip(names[1:4], repos[1:4], strict=True):
                    await one.post("/api/projects", json={"name": name, "repo_path": str(repo)})
                await flaky.connect(urls[1])  # the other process: only Redis knows
                await one.post("/api/projects", json={"name": "P4", "repo_path": str(repos[4])})
                await eventually(lambda: _now(len(flaky.applied) == 5), 10, "the catch-up")
                await eventually(lambda: _now(len(steady.applied) == 5), 10, "the steady tab")
            await flaky.drop()
            await steady.drop()
        finally:
            for process in apis:
                stop(process)

    assert [data["name"] for _, data in flaky.applied] == names
    (room,) = flaky.last
    assert flaky.seqs(room) == [1, 2, 3, 4, 5]
    assert flaky.applied == steady.applied
    assert flaky.resyncs == []


async def test_a_scaled_api_process_listens_to_the_fan_out_before_its_first_tab(
    settings, redis_url
):
    """A restarted API process is subscribed to Redis's fan-out when it starts serving.

    python-socketio subscribes when the first socket connects. A reconnecting tab joins
    its rooms and is caught up from the log at once: what a worker published between that
    catch-up and the subscription reached the tab neither way, and nothing told it."""
    server = MccServer(settings.model_copy(update={"redis_url": redis_url}), worker=False)
    redis = aioredis.Redis.from_url(redis_url)
    await server.start()
    try:
        [(_, listeners)] = await redis.pubsub_numsub(fanout_channel(redis_url))
        assert listeners == 1  # no socket has connected yet
    finally:
        await redis.aclose()
        await server.stop()


async def test_a_tab_gets_what_a_worker_sent_while_its_api_process_had_lost_redis(
    settings, redis_url
):
    """The API process's fan-out connection is cut (a Redis restart, a network drop) and
    python-socketio subscribes again a second later: an event a worker sent meanwhile
    reached no socket there. The process tells its tabs to catch up, and the log has it."""
    server = MccServer(settings.model_copy(update={"redis_url": redis_url}), worker=False)
    worker = RedisEvents(redis_url)  # what `mcc worker` sends through
    redis = aioredis.Redis.from_url(redis_url)
    await server.start()
    tab: Tab | None = None
    try:
        url = f"http://127.0.0.1:{server.port}"
        async with local_client(base_url=url) as api:
            from tests.conftest import login_new_user

            user = await login_new_user(api, server, "cut@example.com")
            room = f"user:{user['id']}"
            tab = Tab(_token(api))
            await tab.connect(url)
            await worker.emit(
                "system_state", {"paused": False, "since": None, "reason": None}, room
            )
            await eventually(lambda: _now(len(tab.applied) == 1), 10, "the live event")

            [cut] = await _fanout_listeners(redis, redis_url)
            await redis.client_kill_filter(_id=cut)
            await worker.emit(
                "system_state", {"paused": True, "since": None, "reason": "cut"}, room
            )
            await eventually(lambda: _now(len(tab.applied) == 2), 10, "the event sent meanwhile")

            # Subscribed once again: the connection redis-py revived for python-socketio's
            # dropped listener is closed, not left to fill with unread events.
            async def one_listener() -> bool:
                return len(await _fanout_listeners(redis, redis_url)) == 1

            await eventually(one_listener, 10, "one listener")
    finally:
        if tab is not None and tab.client is not None:
            await tab.drop()
        await worker.manager.redis.aclose()
        await worker.log.aclose()
        await redis.aclose()
        await server.stop()
    assert [data["paused"] for _, data in tab.applied] == [False, True]
    assert tab.seqs(room) == [1, 2]
    assert tab.catch_ups == 1


async def _fanout_listeners(redis: aioredis.Redis, redis_url: str) -> list[str]:
    """The ids of this database's fan-out listeners (its API processes' pubsub connections)."""
    clients = await redis.client_list(_type="pubsub")
    return [c["id"] for c in clients if c["name"] == fanout_channel(redis_url)]


async def _now(value: bool) -> bool:
    return value
