"""Where the tests' PostgreSQL and Redis come from.

In order: an address given explicitly (`MCC_TEST_POSTGRES_DSN`,
`MCC_TEST_REDIS_URL`); containers started with testcontainers when a Docker
engine answers; the local servers `.ci/run` starts (127.0.0.1:5432 and :6379).
A test that needs one and finds none fails, saying how to get one: a missing
database must never turn into a silently skipped test.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379"
POSTGRES_IMAGE = "postgres:16"
REDIS_IMAGE = "redis:7"

HOW_TO_GET_POSTGRES = (
    "start a Docker engine (the tests then run PostgreSQL with testcontainers), "
    "or a local server on 127.0.0.1:5432 with user postgres and trust auth "
    "(`scripts/bootstrap --for-tests` installs it, `.ci/run` starts it), "
    "or set MCC_TEST_POSTGRES_DSN to an admin DSN"
)
HOW_TO_GET_REDIS = (
    "start a Docker engine (the tests then run Redis with testcontainers), "
    "or a local redis-server on 127.0.0.1:6379 "
    "(`scripts/bootstrap --for-tests` installs it, `.ci/run` starts it), "
    "or set MCC_TEST_REDIS_URL"
)


class ServiceUnavailable(RuntimeError):
    """A test needs a server that is nowhere to be found; the message says how to get one."""


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at the URL's host and port."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout):
            return True
    except OSError:
        return False


@functools.cache
def docker_engine() -> Any | None:
    """A client of the Docker engine (DOCKER_HOST or the default socket), or None."""
    try:
        import docker

        client = docker.from_env(timeout=5)
        client.ping()
    except Exception:
        return None
    return client


_containers: list[Any] = []


def _stop_containers() -> None:
    # testcontainers' reaper removes them too when this process ends (even by
    # os._exit); stopping here just frees them sooner.
    while _containers:
        with contextlib.suppress(Exception):
            _containers.pop().stop()


atexit.register(_stop_containers)
stop_containers = _stop_containers


def _resolve(
    name: str,
    explicit_var: str,
    local: str,
    how: str,
    start_container: Any,
    environ: Mapping[str, str] | None,
    use_docker: bool | None,
) -> str:
    env = os.environ if environ is None else environ
    explicit = env.get(explicit_var, "").strip()
    if explicit:
        if not answers(explicit):
            raise ServiceUnavailable(f"{name} at {explicit_var}={explicit} does not answer: {how}")
        return explicit
    if use_docker if use_docker is not None else docker_engine() is not None:
        return str(start_container())
    if answers(local):
        return local
    raise ServiceUnavailable(
        f"{name} is needed by this test and none was found (no Docker engine, nothing on "
        f"{urlsplit(local).netloc}): {how}"
    )


def _postgres_container() -> str:
    from testcontainers.postgres import PostgresContainer

    container = PostgresContainer(
        POSTGRES_IMAGE, username="postgres", password="postgres", dbname="postgres"
    )
    container.start()
    _containers.append(container)
    host, port = container.get_container_host_ip(), container.get_exposed_port(5432)
    return f"postgresql://postgres:postgres@{host}:{port}/postgres"


def _redis_container() -> str:
    from testcontainers.redis import RedisContainer

    container = RedisContainer(REDIS_IMAGE)
    container.start()
    _containers.append(container)
    host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
    return f"redis://{host}:{port}"


def find_postgres(
    environ: Mapping[str, str] | None = None,
    *,
    local: str = LOCAL_POSTGRES,
    use_docker: bool | None = None,
) -> str:
    """An admin DSN (asyncpg form) of a PostgreSQL server the tests may create databases on."""
    return _resolve(
        "PostgreSQL",
        "MCC_TEST_POSTGRES_DSN",
        local,
        HOW_TO_GET_POSTGRES,
        _postgres_container,
        environ,
        use_docker,
    )


def find_redis(
    environ: Mapping[str, str] | None = None,
    *,
    local: str = LOCAL_REDIS,
    use_docker: bool | None = None,
) -> str:
    """The base URL (no database number) of a Redis server the tests may flush databases of."""
    return _resolve(
        "Redis",
        "MCC_TEST_REDIS_URL",
        local,
        HOW_TO_GET_REDIS,
        _redis_container,
        environ,
        use_docker,
    ).rstrip("/")


@functools.cache
def postgres_admin_dsn() -> str:
    """This session's PostgreSQL (found or started once)."""
    return find_postgres()


@functools.cache
def redis_base_url() -> str:
    """This session's Redis (found or started once)."""
    return find_redis()


def empty_redis_database() -> str:
    """A Redis database of this test process, emptied: number 13 for the first
    (or only) process, 12 for the second... (`make test` runs two, pytest-xdist).
    Keys live in one database, and MCC names its pub/sub channel after it
    (api/redis_fanout.py), so two processes' tests never see each other's."""
    import redis

    process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    url = f"{redis_base_url()}/{13 - process}"
    redis.Redis.from_url(url).flushdb()  # a window or log left by an earlier test would count
    return url
