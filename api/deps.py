"""Cross-cutting request dependencies as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from api.client_address import ClientAddress
from api.rate_limits import RateLimits
from api.request_scheme import secure_cookie
from api.temporal_link import TemporalLink
from mcc.agents.roster import get_agent
from mcc.conversations import get_conversation
from mcc.db.unavailable import close_after_response
from mcc.issues import get_issue
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.user import User
from mcc.projects import get_project
from mcc.runtime import Runtime
from mcc.security.errors import AuthError, CrossSiteRequest

# Dependencies are `async def` even where they await nothing: FastAPI runs a plain `def`
# one in its thread pool, a thread hop on every request.


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_temporal(request: Request) -> TemporalLink:
    link: TemporalLink = request.app.state.temporal
    return link


async def get_session(
    runtime: Annotated[Runtime, Depends(get_runtime)],
) -> AsyncIterator[AsyncSession]:
    session = runtime.db.sessions()
    try:
        yield session
    finally:
        await close_after_response(session)


async def get_rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


async def get_client_address(request: Request) -> str:
    """The client's address as the limits count it (see `api.client_address`)."""
    resolver: ClientAddress = request.app.state.client_address
    return resolver.of(request)


async def wants_secure_cookie(
    request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]
) -> bool:
    """Whether the refresh cookie set on this response is Secure (see `api.request_scheme`)."""
    resolver: ClientAddress = request.app.state.client_address
    return secure_cookie(request, runtime.settings.cookie_secure, resolver)


# Ids fit the databases' 32-bit integers; anything else is a 422, not a crash.
DbId = Annotated[int, Path(ge=1, le=2_147_483_647)]

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
TemporalDep = Annotated[TemporalLink, Depends(get_temporal)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]
ClientIpDep = Annotated[str, Depends(get_client_address)]
SecureCookieDep = Annotated[bool, Depends(wants_secure_cookie)]

_bearer = HTTPBearer(auto_error=False, description="The access token from /api/auth/login.")


async def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
    runtime: RuntimeDep,
) -> User:
    """The user of a valid access token; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("log in first (Authorization: Bearer <access token>)")
    claims = runtime.keys.access_tokens.verify(credentials.credentials)
    user = await session.get(User, claims.user_id)
    if user is None:
        raise AuthError("the account no longer exists")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def refuse_cross_site(request: Request, runtime: RuntimeDep) -> None:
    """For endpoints a cookie authenticates: refuse what a browser says came from
    another site, a second line behind the cookie's SameSite=Strict.

    Fetch metadata first (a page cannot forge it): `cross-site` is refused,
    `same-origin` and `none` (typed in the address bar) pass, which also serves the
    front end's dev server proxy. Otherwise an `Origin` must be this server's own
    (the `Host` it was asked for) or one of `MCC_CORS_ORIGINS`. Clients that send
    neither header (curl, scripts) are not browsers riding a cookie and pass.
    """
    fetch_site = request.headers.get("sec-fetch-site", "").lower()
    if fetch_site == "cross-site":
        raise CrossSiteRequest()
    if fetch_site in {"same-origin", "none"}:
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    allowed = {o.rstrip("/").lower() for o in runtime.settings.cors_origins}
    if origin.rstrip("/").lower() in allowed:
        return
    parts = urlsplit(origin)
    host = request.headers.get("host", "").lower()
    if parts.scheme in {"http", "https"} and host and parts.netloc.lower() == host:
        return
    raise CrossSiteRequest()


SameSiteOnly = Depends(refuse_cross_site)


async def load_project(project_id: DbId, session: SessionDep, user: CurrentUser) -> Project:
    """The current user's project; another user's answers 404 like a missing one."""
    return await get_project(session, project_id, owner_id=user.id)


ProjectDep = Annotated[Project, Depends(load_project)]


async def load_issue(number: DbId, project: ProjectDep, session: SessionDep) -> Issue:
    return await get_issue(session, project.id, number)


IssueDep = Annotated[Issue, Depends(load_issue)]


async def load_agent(agent_id: DbId, session: SessionDep, user: CurrentUser) -> Agent:
    return await get_agent(session, agent_id, owner_id=user.id)


AgentDep = Annotated[Agent, Depends(load_agent)]


async def load_conversation(
    conversation_id: DbId, session: SessionDep, user: CurrentUser
) -> Conversation:
    return await get_conversation(session, conversation_id, owner_id=user.id)


ConversationDep = Annotated[Conversation, Depends(load_conversation)]
