"""Readiness: every check must pass; a slow or failing store, or a recent fallback, makes it 503."""

from __future__ import annotations

import asyncio
import json
from typing import Iterator

import httpx
import pytest

from bot.server.health import CheckResult, HealthInput, ReadinessReport, check_readiness, timed_check
from tests.fakes.rasa_app import ChannelServer


def test_ready_only_when_every_check_passed() -> None:
    report = ReadinessReport({"model": CheckResult(True), "lock_store": CheckResult(False, "Redis does not answer")})

    assert not report.ready
    assert report.as_dict()["checks"]["lock_store"] == {"ok": False, "detail": "Redis does not answer"}
    assert ReadinessReport({"model": CheckResult(True)}).ready


def test_a_check_that_hangs_fails_after_the_timeout() -> None:
    async def hangs() -> bool:
        await asyncio.sleep(5)
        return True

    async def fails() -> bool:
        return False

    assert asyncio.run(timed_check(hangs, 0.05, "x")) == CheckResult(False, "no answer within 0 s")
    assert asyncio.run(timed_check(fails, 1, "database does not answer")) == CheckResult(False, "database does not answer")


def test_no_agent_yet_is_not_ready() -> None:
    report = asyncio.run(check_readiness(None))

    assert not report.ready and report.checks["model"].detail == "no model loaded yet"


@pytest.fixture(scope="module")
def server() -> Iterator[ChannelServer]:
    """The health routes on a Sanic app whose agent has no model loaded."""
    with ChannelServer([HealthInput.from_credentials({"fallback_window_seconds": 5})]) as running:
        yield running


def test_live_answers_and_ready_says_why_not(server: ChannelServer) -> None:
    with httpx.Client(timeout=10) as client:
        assert client.get(server.url + "/webhooks/health/live").json() == {"live": True}
        ready = client.get(server.url + "/webhooks/health/ready")

    assert ready.status_code == 503
    assert json.loads(ready.text)["checks"]["model"]["ok"] is False
