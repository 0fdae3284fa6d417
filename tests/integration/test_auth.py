"""Accounts: login, token lifetimes, rotation with reuse detection, 2FA, first run."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest
import socketio

from api.server import MccServer
from mcc.db.schema_check import head_revision
from tests.conftest import PASSWORD, login_new_user
from tests.support.http import local_client


def _base(api: httpx.AsyncClient) -> str:
    return str(api.base_url)


async def _login(base: str, email: str, password: str = PASSWORD, **extra) -> httpx.Response:
    # Generous: twenty logins at once spend hundreds of Argon2 hashes on a shared machine.
    async with local_client(base_url=base, timeout=180) as fresh:
        return await fresh.post(
            "/api/auth/login", json={"email": email, "password": password, **extra}
        )


async def test_login_returns_an_access_token_and_a_strict_httponly_refresh_cookie(api):
    response = await _login(_base(api), "owner@example.com")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    assert body["user"] == {"id": api._user_id, "email": "owner@example.com", "totp_enabled": False}
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("mcc_refresh=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/api/auth" in cookie
    assert "Max-Age=604800" in cookie


@pytest.mark.real_password_hashing
async def test_wrong_password_and_unknown_user_answer_the_same_in_about_the_same_time(api):
    base = _base(api)
    timings: dict[str, list[float]] = {"wrong": [], "unknown": []}
    bodies = set()
    for _ in range(5):
        for kind, email in (("wrong", "owner@example.com"), ("unknown", "nobody@example.com")):
            start = time.perf_counter()
            response = await _login(base, email, "not the password")
            timings[kind].append(time.perf_counter() - start)
            assert response.status_code == 401
            bodies.add(response.text)
    assert bodies == {
        '{"error":{"code":"invalid_credentials","message":"wrong email or password"}}'
    }
    # The fastest of each: load only adds time, and skipping the hash for an unknown user
    # would make even its slowest answer faster than the others' fastest (bench/README.md).
    ratio = min(timings["wrong"]) / min(timings["unknown"])
    assert 0.5 < ratio < 2.0, timings


async def test_a_request_without_a_token_or_with_an_expired_one_is_refused(api, mcc: MccServer):
    async with local_client(base_url=_base(api)) as anonymous:
        missing = await anonymous.get("/api/projects")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert missing.json()["error"]["code"] == "unauthorized"

        old = datetime.now(UTC) - timedelta(minutes=16)
        expired = mcc.runtime.keys.access_tokens.issue(api._user_id, now=old)
        response = await anonymous.get(
            "/api/projects", headers={"Authorization": f"Bearer {expired}"}
        )
        assert response.status_code == 401
        assert response.json()["error"] == {
            "code": "token_invalid",
            "message": "the access token expired; refresh it",
        }
        fresh = mcc.runtime.keys.access_tokens.issue(api._user_id, now=old + timedelta(minutes=2))
        ok = await anonymous.get("/api/projects", headers={"Authorization": f"Bearer {fresh}"})
        assert ok.status_code == 200

        forged = await anonymous.get(
            "/api/projects", headers={"Authorization": f"Bearer {expired[:-4]}AAAA"}
        )
        assert forged.status_code == 401


async def test_refresh_rotates_the_token_and_a_reused_one_revokes_its_family(api):
    login = await _login(_base(api), "owner@example.com")
    first = login.cookies["mcc_refresh"]

    async def refresh(token: str) -> httpx.Response:
        async with local_client(base_url=_base(api), cookies={"mcc_refresh": token}) as c:
            return await c.post("/api/auth/refresh")

    rotated = await refresh(first)
    assert rotated.status_code == 200
    second = rotated.cookies["mcc_refresh"]
    assert second != first
    new_access = rotated.json()["access_token"]
    async with local_client(base_url=_base(api)) as client:
        me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {new_access}"})
        assert me.json()["email"] == "owner@example.com"

    reused = await refresh(first)
    assert reused.status_code == 401
    assert "already used" in reused.json()["error"]["message"]
    # The thief's reuse ended the legitimate session too.
    assert (await refresh(second)).status_code == 401


async def test_logout_revokes_the_refresh_token(api):
    login = await _login(_base(api), "owner@example.com")
    token = login.cookies["mcc_refresh"]
    async with local_client(base_url=_base(api), cookies={"mcc_refresh": token}) as client:
        out = await client.post("/api/auth/logout")
        assert out.status_code == 204
        assert 'mcc_refresh=""' in out.headers["set-cookie"]
    async with local_client(base_url=_base(api), cookies={"mcc_refresh": token}) as client:
        again = await client.post("/api/auth/refresh")
        assert again.status_code == 401


async def test_totp_enrolment_then_required_at_login_with_single_use_codes(api):
    setup = await api.post("/api/auth/totp/setup")
    assert setup.status_code == 200
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert "issuer=Mission%20Control%20Center" in setup.json()["otpauth_uri"]
    assert setup.json()["qr_svg"].startswith("data:image/svg+xml;base64,")
    totp = pyotp.TOTP(secret)

    wrong = await api.post("/api/auth/totp/confirm", json={"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 401
    confirmed = await api.post(
        "/api/auth/totp/confirm", json={"password": PASSWORD, "code": totp.now()}
    )
    assert confirmed.status_code == 200
    recovery = confirmed.json()["recovery_codes"]
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert (await api.get("/api/auth/me")).json()["totp_enabled"] is True

    base = _base(api)
    needs = await _login(base, "owner@example.com")
    assert needs.status_code == 401 and needs.json()["error"]["code"] == "totp_required"
    bad = await _login(base, "owner@example.com", totp="123456")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_totp"

    # The confirmation used the current step: the next valid code is the next step's.
    next_code = totp.at(datetime.now(UTC) + timedelta(seconds=30))
    good = await _login(base, "owner@example.com", totp=next_code)
    assert good.status_code == 200
    replay = await _login(base, "owner@example.com", totp=next_code)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "invalid_totp"

    by_recovery = await _login(base, "owner@example.com", totp=recovery[0].upper())
    assert by_recovery.status_code == 200
    spent = await _login(base, "owner@example.com", totp=recovery[0])
    assert spent.status_code == 401


async def test_turning_2fa_on_needs_the_current_password(api):
    totp = pyotp.TOTP((await api.post("/api/auth/totp/setup")).json()["secret"])
    code = totp.now()

    without = await api.post("/api/auth/totp/confirm", json={"code": code})
    assert without.status_code == 422
    assert without.json()["error"]["message"] == "password is required"
    wrong = await api.post(
        "/api/auth/totp/confirm", json={"password": "not my password", "code": code}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == {
        "code": "invalid_credentials",
        "message": "the password is wrong",
    }
    assert (await api.get("/api/auth/me")).json()["totp_enabled"] is False

    # The refused attempt did not spend the code: with the password it turns 2FA on.
    right = await api.post("/api/auth/totp/confirm", json={"password": PASSWORD, "code": code})
    assert right.status_code == 200, right.text
    assert (await api.get("/api/auth/me")).json()["totp_enabled"] is True


async def _enrol_totp(api: httpx.AsyncClient) -> tuple[pyotp.TOTP, list[str]]:
    secret = (await api.post("/api/auth/totp/setup")).json()["secret"]
    totp = pyotp.TOTP(secret)
    confirmed = await api.post(
        "/api/auth/totp/confirm", json={"password": PASSWORD, "code": totp.now()}
    )
    assert confirmed.status_code == 200, confirmed.text
    return totp, confirmed.json()["recovery_codes"]


async def _logins_at_once(base: str, n: int, second_factor: str) -> list[httpx.Response]:
    return list(
        await asyncio.gather(
            *(_login(base, "owner@example.com", totp=second_factor) for _ in range(n))
        )
    )


async def test_one_totp_code_sent_in_twenty_logins_at_once_opens_one_session(api):
    totp, _ = await _enrol_totp(api)
    # The confirmation spent the current step; the next step's code is still fresh.
    code = totp.at(datetime.now(UTC) + timedelta(seconds=30))

    responses = await _logins_at_once(_base(api), 20, code)

    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [401] * 19, [r.text for r in responses]
    refused = {r.json()["error"]["code"] for r in responses if r.status_code == 401}
    assert refused == {"invalid_totp"}


async def test_one_recovery_code_sent_in_twenty_logins_at_once_opens_one_session(api):
    _, recovery = await _enrol_totp(api)

    responses = await _logins_at_once(_base(api), 20, recovery[3])

    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [401] * 19, [r.text for r in responses]
    # The other nine codes still work.
    assert (await _login(_base(api), "owner@example.com", totp=recovery[4])).status_code == 200


async def test_refresh_and_logout_refuse_a_request_from_another_site(api, mcc: MccServer):
    token = (await _login(_base(api), "owner@example.com")).cookies["mcc_refresh"]
    own = f"http://127.0.0.1:{mcc.port}"
    hostile = [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": f"http://127.0.0.1:{mcc.port + 1}"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": own, "Sec-Fetch-Site": "cross-site"},
    ]
    async with local_client(base_url=_base(api), cookies={"mcc_refresh": token}) as client:
        for path in ("/api/auth/refresh", "/api/auth/logout"):
            for headers in hostile:
                refused = await client.post(path, headers=headers)
                assert refused.status_code == 403, (path, headers)
                assert refused.json()["error"] == {
                    "code": "cross_site_request",
                    "message": "this request came from another site and was refused",
                }
                assert "set-cookie" not in refused.headers
        # None of that touched the session: the app's own page still refreshes it.
        same = await client.post(
            "/api/auth/refresh", headers={"Origin": own, "Sec-Fetch-Site": "same-origin"}
        )
        assert same.status_code == 200


async def test_an_origin_listed_in_cors_origins_may_refresh(settings):
    allowed = settings.model_copy(update={"cors_origins": ["http://localhost:5173"]})
    server = MccServer(allowed, worker=False)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        async with local_client(base_url=base) as client:
            await login_new_user(client, server, "dev@example.com")
            token = client.cookies["mcc_refresh"]
        async with local_client(base_url=base, cookies={"mcc_refresh": token}) as client:
            other = await client.post("/api/auth/refresh", headers={"Origin": "http://evil:5173"})
            assert other.status_code == 403
            dev = await client.post(
                "/api/auth/refresh",
                headers={"Origin": "http://localhost:5173", "Sec-Fetch-Site": "same-site"},
            )
            assert dev.status_code == 200
    finally:
        await server.stop()


async def test_first_run_setup_creates_the_first_account_only(settings):
    server = MccServer(settings, worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            assert (await client.get("/api/auth/setup")).json() == {"needed": True}
            short = await client.post(
                "/api/auth/setup", json={"email": "me@example.com", "password": "short"}
            )
            assert short.status_code == 422
            assert "at least 10 characters" in short.json()["error"]["message"]
            created = await client.post(
                "/api/auth/setup", json={"email": "Me@Example.com", "password": PASSWORD}
            )
            assert created.status_code == 201
            assert created.json()["user"]["email"] == "me@example.com"
            assert (await client.get("/api/auth/setup")).json() == {"needed": False}
            second = await client.post(
                "/api/auth/setup", json={"email": "x@example.com", "password": PASSWORD}
            )
            assert second.status_code == 409
            assert second.json()["error"]["code"] == "setup_done"
    finally:
        await server.stop()


async def test_first_run_setup_refuses_overlong_emails_and_passwords_in_sentences(settings):
    server = MccServer(settings, worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:

            async def setup(email: str, password: str = PASSWORD) -> httpx.Response:
                return await client.post(
                    "/api/auth/setup", json={"email": email, "password": password}
                )

            long_local = await setup("a" * 65 + "@example.com")
            assert long_local.status_code == 422
            assert long_local.json()["error"]["message"] == (
                "the part of the email address before @ is 65 characters long;"
                " at most 64 are possible"
            )
            long_overall = await setup("a" * 60 + "@" + "b" * 251)  # 312 characters
            assert long_overall.status_code == 422
            assert long_overall.json()["error"]["message"] == (
                "the email address is 312 characters long; at most 254 are possible"
            )
            long_password = await setup("me@example.com", "p" * 5000)
            assert long_password.status_code == 422
            assert long_password.json()["error"]["message"] == (
                "password is too long: at most 1024 characters are allowed"
            )
            assert (await client.get("/api/auth/setup")).json() == {"needed": True}
            # A self-hosted MCC may use a local domain.
            local = await setup("A" * 64 + "@b")
            assert local.status_code == 201
            assert local.json()["user"]["email"] == "a" * 64 + "@b"
    finally:
        await server.stop()


async def test_socket_handshake_requires_a_valid_access_token(api, mcc: MccServer):
    url = f"http://127.0.0.1:{mcc.port}"
    for auth in (None, {"token": "not-a-jwt"}):
        client = socketio.AsyncClient()
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(url, transports=["websocket"], auth=auth)
    client = socketio.AsyncClient()
    token = api.headers["Authorization"].removeprefix("Bearer ")
    await client.connect(url, transports=["websocket"], auth={"token": token})
    assert client.connected
    await client.disconnect()


def test_mcc_user_create_reads_the_password_from_stdin(tmp_path):
    env = {"MCC_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "user",
            "create",
            "--email",
            "Cli@Example.com",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    # Where the account went, and that this database was new: an operator whose
    # MCC_DATA_DIR differs from the server's sees it here, not at a failed login.
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'mcc.db'}"
    assert created.stdout.splitlines() == [
        f"database migrated from no schema to migration {head_revision()} ({url})",
        f"created user 1 <cli@example.com> in {url}",
    ]
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "user",
            "create",
            "--email",
            "cli@example.com",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert again.stdout == ""  # nothing left to migrate


__all__ = ["login_new_user"]


async def test_a_password_change_needs_the_current_one_and_ends_the_other_sessions(api):
    base = _base(api)
    other = (await _login(base, "owner@example.com")).cookies["mcc_refresh"]
    this = await _login(base, "owner@example.com")
    headers = {"Authorization": f"Bearer {this.json()['access_token']}"}
    cookies = {"mcc_refresh": this.cookies["mcc_refresh"]}
    new = "a much longer passphrase"
    async with local_client(base_url=base, headers=headers, cookies=cookies) as client:
        wrong = await client.post(
            "/api/auth/password", json={"current_password": "not it", "new_password": new}
        )
        assert (wrong.status_code, wrong.json()["error"]["message"]) == (
            401,
            "the password is wrong",
        )
        short = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}
        )
        assert short.status_code == 422
        assert short.json()["error"]["message"] == "the password must have at least 10 characters"
        same = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": PASSWORD}
        )
        assert same.status_code == 422 and "the one you have" in same.json()["error"]["message"]

        changed = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": new}
        )
        assert changed.status_code == 204, changed.text
        # This session goes on; the one opened elsewhere with the old password has ended.
        assert (await client.post("/api/auth/refresh")).status_code == 200
    async with local_client(base_url=base, cookies={"mcc_refresh": other}) as elsewhere:
        assert (await elsewhere.post("/api/auth/refresh")).status_code == 401
    assert (await _login(base, "owner@example.com")).status_code == 401
    assert (await _login(base, "owner@example.com", new)).status_code == 200
