"""The API application factory: FastAPI routes, socket.io and the SPA on one port."""

from __future__ import annotations

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from api.client_address import ClientAddress
from api.errors import install_error_handlers
from api.middleware import install_middleware
from api.rate_limits import RateLimits
from api.realtime import event_schemas
from api.routes import (
    agent_messages,
    agents,
    auth,
    budget,
    conversations,
    health,
    issues,
    notifications,
    orchestrator,
    projects,
    pulls,
    rules_files,
    system,
    webhooks,
)
from api.routes import settings as settings_routes
from api.spa import mount_spa
from api.telegram import telegram_updates
from api.temporal_link import TemporalLink
from mcc.notifications.telegram.webhook import WebhookInbox
from mcc.runtime import Runtime


def create_app(runtime: Runtime, temporal: TemporalLink) -> FastAPI:
    settings = runtime.settings
    # The API docs' Swagger UI from this server, not a CDN: a self-hosted MCC may have no
    # internet.
    app = FastAPIOffline(
        title="Mission Control Center",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        static_url="/api/docs/assets",
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    app.state.runtime = runtime
    app.state.temporal = temporal
    app.state.rate_limits = RateLimits(settings)
    app.state.client_address = ClientAddress(settings.trusted_proxies)
    app.state.telegram_inbox = WebhookInbox(telegram_updates(runtime, temporal))
    install_error_handlers(app)
    install_middleware(app, app.state.rate_limits, app.state.client_address)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    routers = (health, auth, projects, issues, pulls, agents, conversations, budget, system)
    for module in (
        *routers,
        webhooks,
        notifications,
        settings_routes,
        rules_files,
        agent_messages,
        orchestrator,
    ):
        app.include_router(module.router, prefix="/api")
    event_schemas(app)
    mount_spa(app, settings.frontend_dist)
    return app


def with_socketio(app: FastAPI, sio: socketio.AsyncServer) -> socketio.ASGIApp:
    """Wrap the app so socket.io answers on /socket.io and everything else goes to FastAPI."""
    return socketio.ASGIApp(sio, other_asgi_app=app)
