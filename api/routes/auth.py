"""Login, first-run setup, token refresh and logout, and 2FA enrolment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import (
    ClientIpDep,
    CurrentUser,
    RateLimitsDep,
    RuntimeDep,
    SameSiteOnly,
    SecureCookieDep,
    SessionDep,
)
from api.rate_limits import RateLimits
from api.schemas.auth import (
    LoginIn,
    PasswordChangeIn,
    RecoveryCodesOut,
    SetupIn,
    SetupStateOut,
    TokenOut,
    TotpConfirmIn,
    TotpDisableIn,
    TotpSetupOut,
    UserOut,
)
from api.schemas.error import ErrorOut
from mcc.models.user import User
from mcc.runtime import Runtime
from mcc.security import accounts, totp
from mcc.security.errors import AuthError, RateLimited
from mcc.security.refresh_tokens import (
    issue_refresh_token,
    revoke_other_sessions,
    revoke_refresh_token,
    rotate_refresh_token,
)

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "mcc_refresh"
COOKIE_PATH = "/api/auth"
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}, 429: {"model": ErrorOut}}
COOKIE_ERRORS: dict[int | str, dict[str, Any]] = {**AUTH_ERRORS, 403: {"model": ErrorOut}}


def _set_refresh_cookie(response: Response, runtime: Runtime, token: str, secure: bool) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=int(runtime.keys.refresh_lifetime.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def _token_out(runtime: Runtime, user: User) -> TokenOut:
    tokens = runtime.keys.access_tokens
    return TokenOut(
        access_token=tokens.issue(user.id),
        expires_in=int(tokens.lifetime.total_seconds()),
        user=UserOut.model_validate(user),
    )


async def _start_session(
    session: SessionDep, runtime: Runtime, user: User, response: Response, secure: bool
) -> TokenOut:
    refresh = await issue_refresh_token(session, user.id, runtime.keys.refresh_lifetime)
    await session.commit()
    _set_refresh_cookie(response, runtime, refresh, secure)
    return _token_out(runtime, user)


@asynccontextmanager
async def _guarded(limits: RateLimits, ip: str, account: str) -> AsyncIterator[None]:
    """A password or second-factor check, under the failed-attempt limits every such
    check shares (per address and per account): refused while either is exhausted,
    and a failure counts against both."""
    await limits.check_login(ip, account)
    try:
        yield
    except AuthError as exc:
        if exc.code != "totp_required":
            await limits.login_failed(ip, account)
        raise


@router.get("/setup", response_model=SetupStateOut)
async def setup_state(session: SessionDep) -> SetupStateOut:
    """Whether MCC still needs its first account (the first-run page)."""
    return SetupStateOut(needed=await accounts.user_count(session) == 0)


@router.post(
    "/setup",
    response_model=TokenOut,
    status_code=status.HTTP_201_CREATED,
    responses={403: {"model": ErrorOut}, 409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
    dependencies=[SameSiteOnly],
)
async def first_run_setup(
    body: SetupIn,
    session: SessionDep,
    runtime: RuntimeDep,
    secure: SecureCookieDep,
    response: Response,
) -> TokenOut:
    user = await accounts.create_first_user(session, body.email, body.password)
    return await _start_session(session, runtime, user, response, secure)


@router.post(
    "/login", response_model=TokenOut, responses=COOKIE_ERRORS, dependencies=[SameSiteOnly]
)
async def login(
    body: LoginIn,
    ip: ClientIpDep,
    session: SessionDep,
    runtime: RuntimeDep,
    limits: RateLimitsDep,
    secure: SecureCookieDep,
    response: Response,
) -> TokenOut:
    async with _guarded(limits, ip, body.email.strip().lower()):
        user = await accounts.authenticate(
            session, runtime.keys.secrets, body.email, body.password, body.totp
        )
    return await _start_session(session, runtime, user, response, secure)


@router.post(
    "/refresh", response_model=TokenOut, responses=COOKIE_ERRORS, dependencies=[SameSiteOnly]
)
async def refresh(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    secure: SecureCookieDep,
    response: Response,
) -> TokenOut:
    """Spend the refresh cookie for a new access token and a new refresh cookie."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise AuthError("no session; log in")
    user_id, successor = await rotate_refresh_token(session, token, runtime.keys.refresh_lifetime)
    user = await session.get(User, user_id)
    if user is None:
        raise AuthError("no session; log in")
    _set_refresh_cookie(response, runtime, successor, secure)
    return _token_out(runtime, user)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"model": ErrorOut}},
    dependencies=[SameSiteOnly],
)
async def logout(
    request: Request, session: SessionDep, secure: SecureCookieDep, response: Response
) -> Response:
    token = request.cookies.get(REFRESH_COOKIE)
    if token:
        await revoke_refresh_token(session, token)
    response.status_code = status.HTTP_204_NO_CONTENT
    response.delete_cookie(
        REFRESH_COOKIE, path=COOKIE_PATH, secure=secure, httponly=True, samesite="strict"
    )
    return response


@router.get("/me", response_model=UserOut, responses=AUTH_ERRORS)
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**AUTH_ERRORS, 422: {"model": ErrorOut}},
)
async def change_password(
    body: PasswordChangeIn,
    request: Request,
    user: CurrentUser,
    ip: ClientIpDep,
    session: SessionDep,
    limits: RateLimitsDep,
) -> Response:
    """Change the password: the current one first (a wrong one counts against the
    failed-login limits). Every other session of the account ends; this one stays."""
    async with _guarded(limits, ip, user.email):
        await accounts.change_password(session, user, body.current_password, body.new_password)
    await revoke_other_sessions(session, user.id, request.cookies.get(REFRESH_COOKIE))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/totp/setup", response_model=TotpSetupOut, responses={409: {"model": ErrorOut}})
async def totp_setup(user: CurrentUser, session: SessionDep, runtime: RuntimeDep) -> TotpSetupOut:
    """Start enrolment: scan the QR code, then confirm with a code from the app."""
    secret = await accounts.begin_totp_enrolment(session, runtime.keys.secrets, user)
    uri = totp.provisioning_uri(secret, user.email)
    return TotpSetupOut(secret=secret, otpauth_uri=uri, qr_svg=totp.qr_svg_data_uri(uri))


@router.post("/totp/confirm", response_model=RecoveryCodesOut, responses=AUTH_ERRORS)
async def totp_confirm(
    body: TotpConfirmIn,
    user: CurrentUser,
    ip: ClientIpDep,
    session: SessionDep,
    runtime: RuntimeDep,
    limits: RateLimitsDep,
) -> RecoveryCodesOut:
    """Turn 2FA on with the current password and a code from the app; the recovery codes
    are shown this once and stored only hashed. A wrong password or code counts against
    the failed-login limits."""
    async with _guarded(limits, ip, user.email):
        codes = await accounts.confirm_totp_enrolment(
            session, runtime.keys.secrets, user, body.password, body.code
        )
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/totp/disable", status_code=status.HTTP_204_NO_CONTENT, responses=AUTH_ERRORS)
async def totp_disable(
    body: TotpDisableIn,
    user: CurrentUser,
    ip: ClientIpDep,
    session: SessionDep,
    runtime: RuntimeDep,
    limits: RateLimitsDep,
) -> Response:
    """Turn 2FA off: the password and a code (or a recovery code), like a login."""
    async with _guarded(limits, ip, user.email):
        await accounts.disable_totp(session, runtime.keys.secrets, user, body.password, body.code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


__all__ = ["REFRESH_COOKIE", "RateLimited", "router"]
