"""Schemathesis over the OpenAPI schema, authenticated: no 5xx, no response that
breaks its declared schema. Bounded examples keep it inside CI's time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from mcc.db.migrate import upgrade
from tests.conftest import PASSWORD
from tests.fakes.llm_server import ScriptedLLMServer, scripted_llm_server
from tests.fakes.telegram_server import FakeTelegram, telegram_server
from tests.support.repos import make_repo
from tests.support.settings import local_settings
from tests.support.threaded_server import ThreadedMcc

# Per operation; bounded so the run stays within CI's budget.
EXAMPLES = 25


@pytest.fixture(scope="module")
def fake_telegram() -> Iterator[FakeTelegram]:
    """Telegram's Bot API as a fake: a fuzzed bot token is checked there (and refused, a
    422), never sent to the real Telegram, which a test must not reach."""
    loop = asyncio.new_event_loop()
    served = telegram_server()
    try:
        yield loop.run_until_complete(served.__aenter__())
    finally:
        loop.run_until_complete(served.__aexit__(None, None, None))
        loop.close()


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[ScriptedLLMServer]:
    """The LLM provider, reachable as in a deployment: a fuzzed model name is checked against
    its model list (and refused, a 422), not met with an outage (a 503)."""
    loop = asyncio.new_event_loop()
    served = scripted_llm_server()
    try:
        yield loop.run_until_complete(served.__aenter__())
    finally:
        loop.run_until_complete(served.__aexit__(None, None, None))
        loop.close()


@pytest.fixture(scope="module")
def live(
    temporal_address: str,
    tmp_path_factory: pytest.TempPathFactory,
    fake_telegram: FakeTelegram,
    fake_llm: ScriptedLLMServer,
) -> Iterator[dict]:
    root: Path = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite+aiosqlite:///{root / 'mcc.db'}"
    upgrade(url)
    config = local_settings(
        root / "data",
        url,
        temporal_address,
        "fuzz",
        rate_limit_per_minute=1_000_000,
        login_failures_per_minute=1_000_000,
        telegram_api_url=fake_telegram.api_url,
        llm_base_url=fake_llm.base_url,
        # Listed without a price: the run stops at its first step (needs attention)
        # instead of retrying an unscripted provider while the fuzzer runs.
        agent_default_model="test/unpriced",
    )
    threaded = ThreadedMcc(config)
    server = threaded.start()
    base = f"http://127.0.0.1:{server.port}"
    with httpx.Client(base_url=base) as client:
        token = client.post(
            "/api/auth/setup", json={"email": "fuzz@example.com", "password": PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        repo = make_repo(root / "src")
        project = client.post(
            "/api/projects", json={"name": "Fuzz " + uuid.uuid4().hex[:6], "repo_path": str(repo)}
        ).json()
        client.post(f"/api/projects/{project['id']}/issues", json={"title": "t", "body": "b"})
    try:
        yield {"base": base, "token": token}
    finally:
        threaded.stop()


def test_api_answers_generated_requests_without_5xx_or_schema_breaks(live: dict) -> None:
    schema = schemathesis.openapi.from_url(f"{live['base']}/api/openapi.json")
    headers = {"Authorization": f"Bearer {live['token']}"}
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=live["base"],
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[operation.label] = str(exc)[:2000]
    assert operations >= 10
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
