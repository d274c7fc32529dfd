"""`bot.desk_relay`: an unreachable Rasa server is one warning line, never a traceback per pass,
and nothing at all once the desk is stopping."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, List

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.desk_relay import DeskRelay
from bot.desk_server import build_desk_runtime
from bot.desk_service import DeskService
from bot.handoff_store import HandoffStore
from bot.rasa_http_api import RasaHttpApi
from bot.settings import load_settings
from tests.builders import ManualClock
from tests.bot.test_handoff_store import open_handoff

RASA_URL = "http://rasa.invalid:5005"
Answer = Callable[[httpx.Request], httpx.Response]


def relay_with_rasa(engine: Engine, clock: ManualClock, answer: Answer) -> DeskRelay:
    """A relay over one open handoff, talking to a Rasa server that answers with `answer`."""
    store = HandoffStore(engine, clock)
    open_handoff(store, "c-relay")
    desk = DeskService(store, RasaHttpApi(RASA_URL, "token", transport=httpx.MockTransport(answer)))
    return build_desk_runtime(load_settings(environ={}), RASA_URL, "token", clock, desk=desk).relay


def run_until(relay: DeskRelay, done: Callable[[], bool], stop: asyncio.Event) -> None:
    """Let the relay loop run until `done()` (at most 10 s), then stop it."""

    async def loop() -> None:
        task = asyncio.create_task(relay.run_forever(0.001, stop))
        deadline = asyncio.get_running_loop().time() + 10
        while not done() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.001)
        stop.set()
        await task

    asyncio.run(loop())


def relay_lines(caplog: pytest.LogCaptureFixture) -> List[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "bot.desk_relay"]


def test_unreachable_rasa_is_one_warning_without_traceback_then_one_when_back(
    engine: Engine, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls: List[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) <= 5:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"events": []})

    caplog.set_level(logging.INFO, logger="bot.desk_relay")
    run_until(relay_with_rasa(engine, clock, answer), lambda: len(calls) >= 8, asyncio.Event())

    lines = relay_lines(caplog)
    assert len(calls) >= 8, "the relay did not reach the fake Rasa server again after it came back"
    assert [(line.levelno, line.exc_info) for line in lines] == [(logging.WARNING, None), (logging.WARNING, None)]
    assert "unreachable" in lines[0].getMessage() and "resumed" in lines[1].getMessage()


def test_a_pass_failing_while_the_desk_stops_says_nothing(
    engine: Engine, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    stop = asyncio.Event()
    calls: List[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        stop.set()  # the desk is told to stop while Rasa is going away
        raise httpx.ConnectError("connection refused", request=request)

    caplog.set_level(logging.INFO, logger="bot.desk_relay")
    run_until(relay_with_rasa(engine, clock, answer), stop.is_set, stop)

    assert calls and relay_lines(caplog) == []
