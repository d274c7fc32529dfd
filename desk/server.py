"""The desk process: runs the desk relay loop and, when configured, the Slack agents' app.

Started by `python -m bot run` as `python -m desk`. It reaches customers only through the
Rasa server's HTTP API (with its token) and keeps every decision in the handoff store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import AsyncIterator, List, Mapping, Optional

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.clock import Clock, system_clock
from bot.handoff.business_hours import BusinessHours
from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from bot.server.rasa_http_api import RasaHttpApi
from bot.settings import Settings, load_settings
from desk.hold_monitor import HoldMonitor
from desk.relay import DeskBoard, DeskRelay
from desk.service import ConversationApi, DeskService

logger = logging.getLogger(__name__)


@dataclass
class DeskRuntime:
    """The desk's long-lived parts, built at start-up and closed at shutdown."""

    desk: DeskService
    relay: DeskRelay

    @property
    def api(self) -> ConversationApi:
        """The connection to the Rasa server (close it at shutdown)."""
        return self.desk.conversations


def build_desk_service(settings: Settings, rasa_url: str, rasa_token: str,
                       clock: Clock = system_clock) -> DeskService:
    """Open the handoff store and connect the desk service to the Rasa server's API."""
    engine = create_database_engine(settings.database_url)
    create_schema(engine)
    return DeskService(HandoffStore(engine, clock), RasaHttpApi(rasa_url, rasa_token))


def build_desk_runtime(
    settings: Settings,
    rasa_url: str,
    rasa_token: str,
    clock: Clock = system_clock,
    board: Optional[DeskBoard] = None,
    desk: Optional[DeskService] = None,
) -> DeskRuntime:
    """Wire the desk service and its relay (posting to `board` when there is one)."""
    desk = desk or build_desk_service(settings, rasa_url, rasa_token, clock)
    monitor = HoldMonitor(settings.desk, BusinessHours(settings.handoff))
    return DeskRuntime(desk=desk, relay=DeskRelay(desk, monitor, clock, board))


def create_desk_app(
    runtime: DeskRuntime, poll_seconds: float, extra_routes: Optional[List[BaseRoute]] = None
) -> Starlette:
    """The desk's web app: `/health`, plus any platform routes; the relay runs while it is up."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(runtime.relay.run_forever(poll_seconds, stop))
        try:
            yield
        finally:
            stop.set()
            await task
            await runtime.api.close()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "waiting": len(runtime.desk.queue())})

    routes: List[BaseRoute] = [Route("/health", health), *(extra_routes or [])]
    return Starlette(routes=routes, lifespan=lifespan)


def desk_app_from_env(environ: Optional[Mapping[str, str]] = None) -> Starlette:
    """Build the desk app from settings, `BRIGHTWAY_RASA_URL` / `RASA_API_TOKEN` and the Slack desk env."""
    from desk.slack_desk import slack_desk_from_env

    env = os.environ if environ is None else environ
    token = env.get("RASA_API_TOKEN", "")
    if not token:
        raise SystemExit("The desk needs RASA_API_TOKEN (the Rasa server's API token).")
    settings = load_settings(environ=env)
    desk = build_desk_service(settings, env.get("BRIGHTWAY_RASA_URL", "http://127.0.0.1:5005"), token)
    slack = slack_desk_from_env(desk, env)
    runtime = build_desk_runtime(settings, "", "", board=slack.board if slack else None, desk=desk)
    return create_desk_app(
        runtime, float(env.get("BRIGHTWAY_DESK_POLL_SECONDS", "0.25")), slack.routes if slack else None
    )
