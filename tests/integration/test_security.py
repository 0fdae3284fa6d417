"""Nobody reaches another person's data; hostile input gets one error shape and no
internals; rate limits hold; stored secrets are never in clear."""

from __future__ import annotations

import logging
import uuid

import socketio
from sqlalchemy import MetaData, select

from api.server import MccServer
from tests.conftest import PASSWORD, login_new_user
from tests.support.http import local_client
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_phase

PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/auth/setup"),
    ("POST", "/api/auth/setup"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/refresh"),
    ("POST", "/api/auth/logout"),
    # Webhooks carry no user's token: each checks its own secret (signature, secret token),
    # as test_github.py and test_telegram_webhook.py show.
    ("POST", "/api/webhooks/github"),
    ("POST", "/api/webhooks/telegram"),
}


async def test_every_route_but_the_public_ones_requires_a_token(api):
    schema = (await api.get("/api/openapi.json")).json()
    checked = 0
    async with local_client(base_url=str(api.base_url)) as anonymous:
        for path, operations in schema["paths"].items():
            for method in operations:
                if (method.upper(), path) in PUBLIC:
                    continue
                url = path.replace("{project_id}", "1").replace("{number}", "1")
                url = url.replace("{", "").replace("}", "")
                response = await anonymous.request(method.upper(), url, json={})
                assert response.status_code == 401, (method, path, response.text)
                checked += 1
    assert checked >= 10


async def test_another_users_project_issue_and_pull_answer_404(
    api, mcc: MccServer, company, tmp_path
):
    repo = make_repo(tmp_path / "src")
    name = f"Mine {uuid.uuid4().hex[:6]}"  # workflow ids are shared by the test runs
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    pid = project["id"]
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Private", "body": "x"})
    await wait_for_phase(api, pid, 1, "awaiting_approval")

    async with local_client(base_url=str(api.base_url)) as other:
        await login_new_user(other, mcc, "intruder@example.com")
        attempts = [
            ("GET", f"/api/projects/{pid}", None),
            ("PATCH", f"/api/projects/{pid}", {"forge_token": "x"}),
            ("GET", f"/api/projects/{pid}/issues", None),
            ("POST", f"/api/projects/{pid}/issues", {"title": "t", "body": ""}),
            ("GET", f"/api/projects/{pid}/issues/1", None),
            ("POST", f"/api/projects/{pid}/issues/1/approve", {"round": 1, "head": None}),
            ("POST", f"/api/projects/{pid}/issues/1/reject", {"round": 1, "head": None}),
            ("GET", f"/api/projects/{pid}/pulls", None),
            ("GET", f"/api/projects/{pid}/pulls/1/diff", None),
            ("POST", f"/api/projects/{pid}/issues/1/cancel", None),
            ("GET", f"/api/projects/{pid}/conversations", None),
            ("GET", f"/api/agents?project_id={pid}", None),
            ("POST", "/api/agents", {"project_id": pid, "name": "spy", "role": "coder"}),
            (
                "POST",
                "/api/budget/limits",
                {"scope": "project", "project_id": pid, "share_pct": 10},
            ),
        ]
        for method, url, body in attempts:
            response = await other.request(method, url, json=body)
            assert response.status_code == 404, (method, url, response.text)
            assert response.json()["error"] == {
                "code": "not_found",
                "message": f"project {pid} not found",
            }
        assert (await other.get("/api/projects")).json() == []

        # The owner's agents, conversations and budget rows are as unreachable.
        agent_id = (await api.get("/api/agents", params={"project_id": pid})).json()[0]["id"]
        conversation_id = (await api.get(f"/api/projects/{pid}/conversations")).json()[0]["id"]
        limit_id = (
            await api.post("/api/budget/limits", json={"scope": "global", "daily_usd": 5})
        ).json()["id"]
        by_id = [
            ("GET", f"/api/agents/{agent_id}", None, "agent"),
            ("PATCH", f"/api/agents/{agent_id}", {"rules": "leak"}, "agent"),
            ("DELETE", f"/api/agents/{agent_id}", None, "agent"),
            ("POST", f"/api/agents/{agent_id}/runs", {"task": "steal"}, "agent"),
            ("GET", f"/api/conversations/{conversation_id}", None, "conversation"),
            ("GET", f"/api/conversations/{conversation_id}/messages", None, "conversation"),
            (
                "POST",
                f"/api/conversations/{conversation_id}/messages",
                {"content": "hi"},
                "conversation",
            ),
            ("POST", f"/api/conversations/{conversation_id}/cancel", None, "conversation"),
            ("PATCH", f"/api/budget/limits/{limit_id}", {"daily_usd": 1000}, "limit"),
            ("DELETE", f"/api/budget/limits/{limit_id}", None, "limit"),
        ]
        for method, url, body, kind in by_id:
            response = await other.request(method, url, json=body)
            assert response.status_code == 404, (method, url, response.text)
            assert kind in response.json()["error"]["message"]
        others_limits = (await other.get("/api/budget/limits")).json()
        assert all(row["id"] != limit_id for row in others_limits)

        token = other.headers["Authorization"].removeprefix("Bearer ")
        sock = socketio.AsyncClient()
        await sock.connect(
            f"http://127.0.0.1:{mcc.port}", transports=["websocket"], auth={"token": token}
        )
        try:
            joined = await sock.call("join_project", {"project_id": pid})
            assert joined == {"ok": False, "error": f"project {pid} not found"}
        finally:
            await sock.disconnect()

    # The owner's run was untouched by the attempts.
    assert (await api.get(f"/api/projects/{pid}/issues/1")).json()["phase"] == "awaiting_approval"


async def test_the_api_limits_each_ip_to_its_rate(settings):
    limited = settings.model_copy(update={"rate_limit_per_minute": 5})
    server = MccServer(limited, worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            codes = [(await client.get("/api/health")).status_code for _ in range(5)]
            assert set(codes) == {200}
            refused = await client.get("/api/auth/setup")
            assert refused.status_code == 429
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            assert refused.json()["error"]["code"] == "rate_limited"
            # The SPA's files are not API calls and stay reachable.
            assert (await client.get("/")).status_code != 429
    finally:
        await server.stop()


async def test_failed_logins_are_limited_per_account_and_per_ip(settings):
    limited = settings.model_copy(update={"login_failures_per_minute": 5})
    server = MccServer(limited, worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            await login_new_user(client, server, "owner@example.com")
            for _ in range(5):
                wrong = await client.post(
                    "/api/auth/login", json={"email": "owner@example.com", "password": "nope"}
                )
                assert wrong.status_code == 401
            # Now even the right password waits: the account is under attack.
            blocked = await client.post(
                "/api/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
            )
            assert blocked.status_code == 429
            assert "too many failed attempts" in blocked.json()["error"]["message"]
            assert 1 <= int(blocked.headers["retry-after"]) <= 60
            # And this IP cannot move on to guess another account either.
            other = await client.post(
                "/api/auth/login", json={"email": "other@example.com", "password": "guess"}
            )
            assert other.status_code == 429
    finally:
        await server.stop()


async def test_turning_2fa_on_and_off_shares_the_failed_login_limits(settings):
    """A stolen access token does not buy unlimited guesses of the password or code."""
    import pyotp

    limited = settings.model_copy(update={"login_failures_per_minute": 5})
    server = MccServer(limited, worker=False)
    await server.start()
    try:
        # Generous timeout: a recovery code is checked against ten Argon2 hashes.
        base = f"http://127.0.0.1:{server.port}"
        async with local_client(base_url=base, timeout=60) as client:
            await login_new_user(client, server, "owner@example.com")
            totp = pyotp.TOTP((await client.post("/api/auth/totp/setup")).json()["secret"])
            for guess in (
                {"password": PASSWORD, "code": "000000"},
                {"password": "a guessed password", "code": totp.now()},
            ):
                wrong = await client.post("/api/auth/totp/confirm", json=guess)
                assert wrong.status_code == 401
            ok = await client.post(
                "/api/auth/totp/confirm", json={"password": PASSWORD, "code": totp.now()}
            )
            assert ok.status_code == 200
            recovery = ok.json()["recovery_codes"]
            guesses = [
                {"password": "a guessed password", "code": totp.now()},
                {"password": PASSWORD, "code": "123456"},
                {"password": PASSWORD, "code": "aaaa-bbbb-cccc"},
            ]
            for guess in guesses:
                wrong = await client.post("/api/auth/totp/disable", json=guess)
                assert wrong.status_code == 401, wrong.text
            # Five failures: the right password and a valid recovery code now wait too...
            blocked = await client.post(
                "/api/auth/totp/disable", json={"password": PASSWORD, "code": recovery[0]}
            )
            assert blocked.status_code == 429
            assert 1 <= int(blocked.headers["retry-after"]) <= 60
            # ...and so does a login to the account, from anywhere.
            login = await client.post(
                "/api/auth/login",
                json={"email": "owner@example.com", "password": PASSWORD, "totp": recovery[1]},
            )
            assert login.status_code == 429
        assert (await _two_factor_on(server, "owner@example.com")) is True
    finally:
        await server.stop()


async def _two_factor_on(server: MccServer, email: str) -> bool:
    from mcc.models.user import User

    async with server.runtime.db.sessions() as session:
        return bool(await session.scalar(select(User.totp_enabled).where(User.email == email)))


async def test_a_forge_token_is_stored_encrypted_and_never_shown(api, mcc, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    token = "ghp_S3cretTokenValue1234567890abcdef"
    repo = make_repo(tmp_path / "src")
    created = await api.post(
        "/api/projects", json={"name": "Forge", "repo_path": str(repo), "forge_token": token}
    )
    assert created.status_code == 201
    assert created.json()["has_forge_token"] is True
    pid = created.json()["id"]
    shown = [
        created.text,
        (await api.get(f"/api/projects/{pid}")).text,
        (await api.get("/api/projects")).text,
        (await api.patch(f"/api/projects/{pid}", json={"forge_token": token + "2"})).text,
    ]
    assert all(token not in text for text in shown)

    # A dump of every table holds no clear token.
    dump = []
    async with mcc.runtime.db.engine.connect() as conn:
        metadata = MetaData()
        await conn.run_sync(metadata.reflect)
        for table in metadata.sorted_tables:
            for row in (await conn.execute(select(table))).all():
                dump.append(repr(tuple(row)))
    assert dump and all(token not in line for line in dump)
    sealed = [line for line in dump if "forge_token" in line or "b'\\x01" in line]
    assert sealed, "the sealed token is stored"
    if mcc.settings.resolved_database_url.startswith("sqlite"):
        raw = mcc.settings.resolved_database_url.split("///", 1)[1]
        from pathlib import Path

        for path in Path(raw).parent.glob(Path(raw).name + "*"):
            assert token.encode() not in path.read_bytes()
    assert token not in caplog.text


async def test_errors_share_one_shape_without_internals_and_carry_security_headers(api):
    responses = [
        await api.post(
            "/api/projects", content=b"{not json", headers={"content-type": "application/json"}
        ),
        await api.post("/api/projects", json={"name": "x" * 500, "repo_path": "/tmp"}),
        await api.get("/api/projects/not-a-number"),
        await api.get("/api/projects/99999"),
        await api.delete("/api/projects"),
    ]
    for response in responses:
        assert response.status_code in {404, 405, 422}, response.text
        body = response.json()
        assert set(body) == {"error"}
        assert {"code", "message"} <= set(body["error"])
        text = response.text.lower()
        assert "traceback" not in text and "sqlalchemy" not in text and "select " not in text
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    spa = await api.get("/")
    assert spa.headers["x-content-type-options"] == "nosniff"


async def test_cors_is_closed_unless_an_origin_is_configured(api):
    preflight = await api.options(
        "/api/projects",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_with_redis_every_api_process_counts_against_the_same_window(settings, redis_url):
    """Two API processes (two apps here) behind one Redis share each IP's budget."""
    shared = settings.model_copy(update={"rate_limit_per_minute": 4, "redis_url": redis_url})
    first, second = MccServer(shared, worker=False), MccServer(shared, worker=False)
    await first.start()
    await second.start()
    try:
        async with local_client() as client:
            codes = []
            for server in (first, second, first, second, first):
                response = await client.get(f"http://127.0.0.1:{server.port}/api/health")
                codes.append(response.status_code)
        assert codes == [200, 200, 200, 200, 429]
    finally:
        await first.stop()
        await second.stop()


def test_the_embedded_secret_key_is_generated_once_with_mode_0600(tmp_path):
    from mcc.config import Settings
    from mcc.security.keys import master_key

    settings = Settings(data_dir=tmp_path / "data")
    first = master_key(settings)
    path = tmp_path / "data" / "secret.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert master_key(settings) == first and len(first) == 32
