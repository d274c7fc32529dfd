"""Liveness and readiness of one Rasa instance, for load balancers and orchestrators.

Served by the Rasa server itself through a small input channel (credentials:
`bot.server.health.HealthInput:`): `GET /webhooks/health/live` answers while the process runs;
`GET /webhooks/health/ready` answers 200 only when the model is loaded, the tracker store and
the lock store answer, and the tracker store has not fallen back to memory lately; else 503
with the failing checks, so the instance is taken out of rotation instead of losing data quietly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server.tracker_store import inner_tracker_store

DEFAULT_FALLBACK_WINDOW_SECONDS = 60.0
DEFAULT_CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    """One readiness check: passed or not, and why."""

    ok: bool
    detail: str = ""


@dataclass
class ReadinessReport:
    """All checks; ready only when every one passed."""

    checks: Dict[str, CheckResult] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """True when every check passed."""
        return all(check.ok for check in self.checks.values())

    def as_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        return {
            "ready": self.ready,
            "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in self.checks.items()},
        }


async def timed_check(check: Callable[[], Awaitable[bool]], timeout: float, failure: str) -> CheckResult:
    """Run one check; `failure` when it answers False, a timeout message when it does not answer."""
    try:
        ok = await asyncio.wait_for(check(), timeout)
    except asyncio.TimeoutError:
        return CheckResult(False, f"no answer within {timeout:.0f} s")
    return CheckResult(True) if ok else CheckResult(False, failure)


async def check_readiness(
    agent: Optional[Agent],
    fallback_window_seconds: float = DEFAULT_FALLBACK_WINDOW_SECONDS,
    timeout: float = DEFAULT_CHECK_TIMEOUT_SECONDS,
) -> ReadinessReport:
    """Run the checks against the instance's agent (its model, tracker store and lock store)."""
    report = ReadinessReport()
    is_ready = getattr(agent, "is_ready", None)
    if agent is None or not callable(is_ready) or not is_ready():
        report.checks["model"] = CheckResult(False, "no model loaded yet")
        return report
    report.checks["model"] = CheckResult(True)
    tracker_store = inner_tracker_store(agent.tracker_store)
    ping = getattr(tracker_store, "ping", None)
    if ping is not None:
        report.checks["tracker_store"] = await timed_check(ping, timeout, "database does not answer")
    failures = getattr(tracker_store, "failures", None)
    if failures is not None:
        since = failures.seconds_since_last()
        recent = since is not None and since < fallback_window_seconds
        detail = f"{failures.count} fallback(s) to memory; last {failures.last_error} {since:.0f} s ago" if recent else ""
        report.checks["tracker_store_fallbacks"] = CheckResult(not recent, detail)
    lock_ping = getattr(agent.lock_store, "ping", None)
    if lock_ping is not None:
        report.checks["lock_store"] = await timed_check(lock_ping, timeout, "Redis does not answer")
    return report


class HealthInput(InputChannel):
    """Adds /webhooks/health/live and /webhooks/health/ready to the Rasa server."""

    @classmethod
    def name(cls) -> Text:
        """URL segment of the channel."""
        return "health"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "HealthInput":
        """Optional keys: `fallback_window_seconds`, `check_timeout_seconds`."""
        credentials = credentials or {}
        return cls(
            fallback_window_seconds=float(credentials.get("fallback_window_seconds", DEFAULT_FALLBACK_WINDOW_SECONDS)),
            check_timeout_seconds=float(credentials.get("check_timeout_seconds", DEFAULT_CHECK_TIMEOUT_SECONDS)),
        )

    def __init__(
        self,
        fallback_window_seconds: float = DEFAULT_FALLBACK_WINDOW_SECONDS,
        check_timeout_seconds: float = DEFAULT_CHECK_TIMEOUT_SECONDS,
    ) -> None:
        """How long a fallback keeps the instance unready, and how long each check may take."""
        self.fallback_window_seconds = fallback_window_seconds
        self.check_timeout_seconds = check_timeout_seconds

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes `live` and `ready`; neither takes customer messages."""
        health = Blueprint("health_webhook", __name__)

        @health.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"live": True})

        @health.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            try:
                report = await check_readiness(agent, self.fallback_window_seconds, self.check_timeout_seconds)
            except Exception as error:  # a check that breaks must still read as "not ready", never a 500
                report = ReadinessReport({"readiness": CheckResult(False, type(error).__name__)})
            return response.json(report.as_dict(), status=200 if report.ready else 503)

        return health
