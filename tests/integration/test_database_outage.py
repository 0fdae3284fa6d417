"""PostgreSQL restarting under a running MCC: each request meanwhile gets one sentence and
a 503 (not "internal error" and a traceback in the log), and MCC carries on by itself
once the database is back. The database is reached through a TCP relay that the test
takes down (connections refused, open ones dropped) and brings back on the same port."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from api.errors import install_error_handlers
from api.server import MccServer
from mcc.budget.prices_cache import ModelPrices
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.db.unavailable import SENTENCE, DatabaseUnavailable, is_dropped_connection
from mcc.events import RecordedEvents
from mcc.llm import ChatMessage, LLMClient, ModelPrice, PriceBook
from mcc.llm.gateway import GatewayCall, LLMGateway
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.message import Message
from mcc.models.token_usage import TokenUsage
from tests.conftest import login_new_user
from tests.fakes.llm_server import Reply, scripted_llm_server
from tests.support.company import Company, answer_forever
from tests.support.decisions import decide
from tests.support.http import local_client
from tests.support.migrated import MigratedTemplates
from tests.support.owners import owner_with_project
from tests.support.repos import git, make_repo
from tests.support.settings import local_settings
from tests.support.tcp_relay import TcpRelay, relayed_database
from tests.support.waiting import wait_for_phase


@pytest.fixture
async def relayed(migrated_templates: MigratedTemplates) -> AsyncIterator[tuple[str, TcpRelay]]:
    """A migrated PostgreSQL database's URL through a relay, and the relay."""
    async with migrated_templates.postgresql() as url, relayed_database(url) as through:
        yield through


async def test_requests_while_the_database_is_down_get_a_sentence_and_mcc_recovers_by_itself(
    relayed, tmp_path, temporal_address, caplog
):
    url, relay = relayed
    server = MccServer(local_settings(tmp_path / "data", url, temporal_address, "db-outage"))
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as api:
            await login_new_user(api, server, "owner@example.com")
            assert (await api.get("/api/projects")).status_code == 200

            # Down as the 200 leaves: the request's closing rollback may meet it, which
            # must not cost the client its keep-alive connection (the next request's).
            await relay.down()
            during = await api.get("/api/projects")
            assert during.status_code == 503
            assert during.json() == {"error": {"code": "database_unavailable", "message": SENTENCE}}
            # The log names the database and why, in one line; no traceback.
            said = [r.getMessage() for r in caplog.records if r.name == "api.errors"]
            assert any("does not answer" in line and str(relay.port) in line for line in said)
            assert not any(r.exc_info for r in caplog.records)
            health = (await api.get("/api/health")).json()
            assert health["db"] == "down"
            assert "Connect call failed" in health["problems"][0], health["problems"]

            await relay.listen()
            assert (await api.get("/api/projects")).status_code == 200
            created = await api.post(
                "/api/projects", json={"name": "After", "repo_path": str(make_repo(tmp_path / "r"))}
            )
            assert created.status_code == 201, created.text
    finally:
        await server.stop()


async def test_a_connection_the_server_drops_in_use_is_a_503_and_the_next_request_reconnects(
    relayed,
):
    url, relay = relayed
    database = Database(url)
    app = FastAPI()
    install_error_handlers(app)
    seen: list[BaseException] = []

    @app.get("/two-statements")
    async def two_statements() -> dict[str, int]:
        async with database.sessions() as session:
            await session.execute(text("SELECT 1"))
            relay.cut()  # a restart between the request's statements
            try:
                await session.execute(text("SELECT 2"))
            except DBAPIError as exc:
                seen.append(exc)
                raise
        return {"ok": 1}

    @app.get("/one-statement")
    async def one_statement() -> dict[str, int]:
        async with database.sessions() as session:
            return {"ok": int((await session.execute(text("SELECT 1"))).scalar_one())}

    try:
        async with local_client(
            transport=httpx.ASGITransport(app=app), base_url="http://mcc"
        ) as client:
            dropped = await client.get("/two-statements")
            assert dropped.status_code == 503
            assert dropped.json()["error"] == {"code": "database_unavailable", "message": SENTENCE}
            assert is_dropped_connection(seen[0])
            assert (await client.get("/one-statement")).json() == {"ok": 1}
    finally:
        await database.dispose()


async def test_a_refused_connect_is_a_database_unavailable_naming_nothing_of_the_database(
    relayed,
):
    url, relay = relayed
    database = Database(url)
    await relay.down()
    try:
        with pytest.raises(DatabaseUnavailable) as raised:
            async with database.sessions() as session:
                await session.execute(text("SELECT 1"))
        assert raised.value.status == 503
        assert str(relay.port) not in raised.value.message
        assert isinstance(raised.value.__cause__, OSError)
    finally:
        await database.dispose()


async def test_an_answer_that_arrives_while_the_database_is_down_is_kept_not_asked_again(
    relayed, tmp_path
):
    """The provider has billed it: the step must not fail and ask (and pay) again."""
    url, relay = relayed
    database = Database(url)
    loop = asyncio.get_running_loop()

    def answer_as_the_database_goes_down(_body: dict[str, Any]) -> Reply:
        # The scripted provider answers on its own thread; the relay lives on this loop.
        asyncio.run_coroutine_threadsafe(relay.down(), loop).result(5)
        loop.call_soon_threadsafe(loop.call_later, 2, lambda: loop.create_task(relay.listen()))
        return Reply(content="worth keeping", cost=0.01)

    async with scripted_llm_server() as llm:
        async with database.sessions() as session, session.begin():
            owner_id, project_id = await owner_with_project(session, "owner@example.com", "App")
        llm.script(answer_as_the_database_goes_down)
        client = LLMClient(base_url=llm.base_url)
        model = "test/model"
        prices = PriceBook(
            overrides={
                model: ModelPrice(model=model, input_usd_per_token=0.0, output_usd_per_token=1e-3)
            }
        )
        config = Settings(data_dir=tmp_path / "data", database_url=url)
        gateway = LLMGateway(database, client, prices, RecordedEvents(), config)
        try:
            result = await gateway.call(
                GatewayCall(
                    owner_id=owner_id,
                    project_id=project_id,
                    agent_name="coder_1",
                    agent_type="coder",
                    model=model,
                    messages=[ChatMessage.user("hi")],
                    max_tokens=100,
                    idempotency_key="issue/app/1/coder_1/task-1/llm/0",
                    conversation_id=7,
                    task_id="issue/app/1",
                )
            )
            assert result.chat is not None and result.chat.content == "worth keeping"
            assert len(llm.chat_requests) == 1
            async with database.sessions() as session:
                charged = await session.scalar(select(func.count()).select_from(TokenUsage))
                spent = await session.scalar(
                    select(BudgetLedger.spent_usd).where(BudgetLedger.level_key == "global")
                )
            assert (charged, spent) == (1, Decimal("0.01"))
        finally:
            await client.aclose()
            await database.dispose()


async def test_a_price_list_fetched_while_the_database_is_down_is_used_not_refused(
    relayed, tmp_path
):
    """The list the provider gave cannot be cached: the process must price from the list
    in hand, or every call until the next refresh is refused as unpriced (needs_attention,
    not retried)."""
    url, relay = relayed
    database = Database(url)
    try:
        async with scripted_llm_server() as llm, LLMClient(base_url=llm.base_url) as client:
            prices = ModelPrices(database, client, Settings(data_dir=tmp_path, database_url=url))
            await prices.load()
            await relay.down()
            assert await prices.refresh() is True
            assert (await prices.price_of("test/pricey")).input_usd_per_token == 15e-6
    finally:
        await database.dispose()


async def test_a_run_through_two_database_restarts_merges_and_asks_each_step_once(
    relayed, tmp_path, temporal_address, llm
):
    """PostgreSQL goes away for 3 s as the 2nd and the 5th LLM answers leave the provider:
    the steps it fails are retried by Temporal, the answers already paid for are kept,
    and the run merges as if nothing had happened."""
    url, relay = relayed
    loop = asyncio.get_running_loop()
    company = Company()
    outages: list[int] = []

    def answer(body: dict[str, Any]) -> Any:
        if len(llm.chat_requests) in (2, 5) and len(outages) < 2:
            outages.append(len(llm.chat_requests))
            asyncio.run_coroutine_threadsafe(relay.down(), loop).result(5)
            loop.call_soon_threadsafe(loop.call_later, 3, lambda: loop.create_task(relay.listen()))
        return company(body)

    answer_forever(llm, answer)
    settings = local_settings(
        tmp_path / "data", url, temporal_address, "db-restarts", llm_base_url=llm.base_url
    )
    server = MccServer(settings)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as api:
            await login_new_user(api, server, "owner@example.com")
            repo = make_repo(tmp_path / "src")
            pid = (
                await api.post("/api/projects", json={"name": "Outage", "repo_path": str(repo)})
            ).json()["id"]
            filed = await api.post(f"/api/projects/{pid}/issues", json={"title": "Go", "body": "x"})
            assert filed.status_code == 201, filed.text
            await wait_for_phase(api, pid, 1, "awaiting_approval", 180)
            assert (await decide(api, pid, 1, "approve")).status_code == 202
            done = await wait_for_phase(api, pid, 1, "done", 120)
        assert outages == [2, 5]
        origin = server.runtime.repos.origin(pid)
        assert done["pull_request"]["merge_sha"] == git(origin, "rev-parse", "main").strip()
        bodies = [json.dumps(r.body["messages"]) for r in llm.chat_requests]
        assert len(bodies) == len(set(bodies)), "an LLM step was asked twice"
        async with server.runtime.db.sessions() as session:
            charged = await session.scalar(select(func.count()).select_from(TokenUsage))
            answers = await session.scalar(
                select(func.count()).select_from(Message).where(Message.role == "assistant")
            )
        assert charged == answers == len(bodies)
    finally:
        await server.stop()
