"""Where the tests' PostgreSQL and Redis come from (tests/support/services.py)."""

from __future__ import annotations

import socket

import asyncpg
import pytest
import redis

from tests.support import services
from tests.support.services import ServiceUnavailable, find_postgres, find_redis


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def no_docker_engine(monkeypatch):
    """The Docker client points at a socket nothing listens on, as on a machine without Docker."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    services.docker_engine.cache_clear()
    yield
    services.docker_engine.cache_clear()


def test_a_test_needing_postgresql_with_none_anywhere_fails_saying_how_to_get_one(
    no_docker_engine,
):
    nowhere = f"postgresql://postgres@127.0.0.1:{closed_port()}/postgres"

    with pytest.raises(ServiceUnavailable) as failure:
        find_postgres({}, local=nowhere)

    message = str(failure.value)
    assert "PostgreSQL is needed" in message
    assert "Docker engine" in message and "testcontainers" in message
    assert "scripts/bootstrap --for-tests" in message
    assert "MCC_TEST_POSTGRES_DSN" in message


def test_a_test_needing_redis_with_none_anywhere_fails_saying_how_to_get_one(no_docker_engine):
    with pytest.raises(ServiceUnavailable, match=r"Redis is needed.*Docker engine.*redis-server"):
        find_redis({}, local=f"redis://127.0.0.1:{closed_port()}")


def test_an_explicit_server_that_does_not_answer_is_named_in_the_failure():
    dsn = f"postgresql://postgres@127.0.0.1:{closed_port()}/postgres"

    with pytest.raises(ServiceUnavailable, match=f"MCC_TEST_POSTGRES_DSN={dsn} does not answer"):
        find_postgres({"MCC_TEST_POSTGRES_DSN": dsn})


async def test_the_session_servers_come_from_docker_when_it_answers_else_from_this_machine():
    dsn, url = find_postgres({}), find_redis({})

    if services.docker_engine() is None:
        assert (dsn, url) == (services.LOCAL_POSTGRES, services.LOCAL_REDIS)
    else:
        assert services.LOCAL_POSTGRES not in dsn
    connection = await asyncpg.connect(dsn)
    try:
        assert await connection.fetchval("SELECT 1") == 1
    finally:
        await connection.close()
    assert redis.Redis.from_url(url).ping()
