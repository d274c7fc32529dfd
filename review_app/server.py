"""`create_app`: the review web app as a Starlette application, built explicitly from a config."""

from __future__ import annotations

import contextlib
from http import HTTPStatus
from pathlib import Path
from typing import AsyncIterator, Optional

from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.clock import Clock, system_clock
from bot.server.rasa_http_api import RasaHttpApi
from desk.service import DeskService
from review_app.config import ReviewConfig
from review_app.guards import wants_html
from review_app.memo import Memo
from review_app.rendering import build_environment, render
from review_app.routes import console, conversations, exports, handoffs, login, metrics, transcripts
from review_app.security_headers import SecurityHeaders
from review_app.services import ReviewServices, build_review_services

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "brightway_review"
ERROR_MESSAGES = {
    404: "There is no page at this address.",
    405: "This address is not a page to open: only a form's button sends to it.",
}


def create_app(config: ReviewConfig, clock: Clock = system_clock,
               hasher: Optional[PasswordHasher] = None) -> Starlette:
    """Open the databases and build the app.

    At start-up the search index and the conversation summaries catch up (a one-off wait on a large
    existing store); the desk's Rasa client lives from start-up to shutdown.
    """
    services = build_review_services(config, clock, hasher)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(services.digests.sync)
        await run_in_threadpool(services.conversation_index.sync)
        rasa = RasaHttpApi(config.rasa_url, config.rasa_token)
        services.desk = DeskService(services.handoffs, rasa)
        try:
            yield
        finally:
            await rasa.close()
            services.desk = None
            services.dispose()

    app = Starlette(
        routes=[
            *login.routes, *handoffs.routes, *conversations.routes, *transcripts.routes,
            *exports.routes, *metrics.routes, *console.routes,
            Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware, secret_key=config.secret_key, session_cookie=SESSION_COOKIE,
                max_age=int(config.session_hours * 3600), same_site="lax", https_only=config.secure_cookies,
            ),
        ],
        exception_handlers={HTTPException: http_error_page},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.templates = build_environment()
    app.state.memo = Memo()
    return app


async def http_error_page(request: Request, error: Exception) -> Response:
    """Routing errors (no such page, wrong method) as the app's page with a way on for browsers,
    as Starlette's plain text for other clients."""
    assert isinstance(error, HTTPException)
    if error.status_code in {204, 304}:
        return Response(status_code=error.status_code, headers=error.headers)
    if not wants_html(request):
        return PlainTextResponse(error.detail, status_code=error.status_code, headers=error.headers)
    page = render(request, "error.html", {
        "title": HTTPStatus(error.status_code).phrase,
        "message": ERROR_MESSAGES.get(error.status_code, error.detail),
    }, status_code=error.status_code)
    page.headers.update(error.headers or {})
    return page


def services_for(app: Starlette) -> ReviewServices:
    """The services of an app made by `create_app` (for the CLI and tests)."""
    return app.state.services
