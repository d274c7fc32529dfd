"""`desk.relay`: an unreachable Rasa server is one warning line, never a traceback per pass,
and nothing at all once the desk is stopping; a customer leaves the queue only by asking for
nothing but the bot, and never while an agent has the handoff."""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, List, Optional, Sequence

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import CLAIMED, OPEN, RESOLVED, Handoff, HandoffStore
from bot.server.rasa_http_api import RasaHttpApi
from bot.settings import load_settings
from desk.relay import CUSTOMER_LEFT_NOTE, DeskRelay
from desk.server import build_desk_runtime
from desk.service import DeskService
from tests.bot.handoff.test_store import open_handoff
from tests.builders import ManualClock, user_event
from tests.review_app.fake_rasa_api import FakeRasaApi
from tests.review_app.sample_conversations import TrackerDatabase, frustrated_conversation
from tests.review_app.sample_conversations import open_handoff as open_conversation_handoff

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
    return [record for record in caplog.records if record.name == "desk.relay"]


def test_unreachable_rasa_is_one_warning_without_traceback_then_one_when_back(
    engine: Engine, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    calls: List[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) <= 5:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"events": []})

    caplog.set_level(logging.INFO, logger="desk.relay")
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

    caplog.set_level(logging.INFO, logger="desk.relay")
    run_until(relay_with_rasa(engine, clock, answer), stop.is_set, stop)

    assert calls and relay_lines(caplog) == []


# --- A customer asking for the bot back (fake Rasa HTTP API on loopback, real tracker store) ---


class RecordingBoard:
    """The agents' board as the relay sees it, remembering what it was shown."""

    def __init__(self) -> None:
        self.messages: List[str] = []
        self.closed: List[str] = []

    async def post_handoff(self, handoff: Handoff) -> Optional[str]:
        return f"thread-{handoff.id}"

    async def post_customer_message(self, handoff: Handoff, text: str) -> None:
        self.messages.append(text)

    async def post_escalation(self, handoff: Handoff) -> None:
        """Not expected here: the clock does not move."""

    async def post_closed(self, handoff: Handoff) -> None:
        self.closed.append(f"{handoff.id} by {handoff.resolved_by}")


SENDER = "cust-leaves"


@pytest.fixture
def handed_over(store: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> Handoff:
    """A customer handed to a person, waiting in the queue."""
    events = frustrated_conversation(clock.now)
    tracker_db.add(SENDER, events)
    return open_conversation_handoff(store, SENDER, events)


def relay_pass(store: HandoffStore, clock: ManualClock, fake_rasa: FakeRasaApi, board: RecordingBoard,
               customer_messages: Sequence[str], tracker_db: TrackerDatabase) -> None:
    """The customer sends `customer_messages` during the handoff, then the desk makes one pass."""
    for index, text in enumerate(customer_messages):
        tracker_db.add(SENDER, [user_event(text, intent="deny", timestamp=clock.now.timestamp() + 60 + index)])
    desk = DeskService(store, RasaHttpApi(fake_rasa.url, fake_rasa.token))
    relay = build_desk_runtime(load_settings(environ={}), fake_rasa.url, fake_rasa.token, clock, board=board, desk=desk).relay

    async def one_pass() -> None:
        try:
            await relay.run_once()
        finally:
            await desk.conversations.close()

    asyncio.run(one_pass())


def bot_back_calls(fake_rasa: FakeRasaApi) -> int:
    """How many times the desk asked Rasa to run `action_bot_back` (the customer hears "I'm back")."""
    return len(fake_rasa.calls(f"/conversations/{SENDER}/execute"))


@pytest.mark.parametrize("messages", [
    ["oh forget it, this company is a joke, I'll just file a chargeback"],
    ["please don't end this chat, I still need help"],
    ["never mind the colour, any is fine"],
], ids=["angry", "negated", "says-more"])
def test_a_waiting_customer_who_says_more_than_leave_stays_with_the_people(
    store: HandoffStore, clock: ManualClock, fake_rasa: FakeRasaApi, tracker_db: TrackerDatabase,
    handed_over: Handoff, messages: List[str],
) -> None:
    board = RecordingBoard()
    relay_pass(store, clock, fake_rasa, board, messages, tracker_db)

    assert store.get(handed_over.id).status == OPEN
    assert board.messages == messages and board.closed == []
    assert bot_back_calls(fake_rasa) == 0


@pytest.mark.parametrize("messages", [
    ["never mind the colour, any is fine"],
    ["never mind"],
    ["forget it, thanks", "back to the bot please"],
], ids=["says-more", "just-never-mind", "two-requests"])
def test_while_an_agent_has_the_handoff_customer_messages_never_close_it(
    store: HandoffStore, clock: ManualClock, fake_rasa: FakeRasaApi, tracker_db: TrackerDatabase,
    handed_over: Handoff, messages: List[str],
) -> None:
    store.claim(handed_over.id, "adam")
    board = RecordingBoard()
    relay_pass(store, clock, fake_rasa, board, messages, tracker_db)

    stored = store.get(handed_over.id)
    assert (stored.status, stored.claimed_by, stored.resolved_by) == (CLAIMED, "adam", None)
    assert board.messages == messages and board.closed == []
    assert bot_back_calls(fake_rasa) == 0


@pytest.mark.parametrize("text", ["never mind", "Forget it, thanks!", "I'll ask the bot", "never mind, back to the bot please"])
def test_a_waiting_customer_who_only_asks_for_the_bot_leaves_the_queue(
    store: HandoffStore, clock: ManualClock, fake_rasa: FakeRasaApi, tracker_db: TrackerDatabase,
    handed_over: Handoff, text: str,
) -> None:
    board = RecordingBoard()
    relay_pass(store, clock, fake_rasa, board, ["is anyone there?", text], tracker_db)

    stored = store.get(handed_over.id)
    assert (stored.status, stored.resolved_by, stored.resolution_note) == (RESOLVED, "customer", CUSTOMER_LEFT_NOTE)
    assert board.messages == ["is anyone there?"] and board.closed == [f"{handed_over.id} by customer"]
    assert bot_back_calls(fake_rasa) == 1


def test_a_leave_that_rasa_fails_is_retried_next_pass_without_relaying_twice(
    store: HandoffStore, clock: ManualClock, fake_rasa: FakeRasaApi, tracker_db: TrackerDatabase,
    handed_over: Handoff,
) -> None:
    board = RecordingBoard()
    fake_rasa.fail_next(1, 500, {"status": "failure"}, path_contains="/execute")
    relay_pass(store, clock, fake_rasa, board, ["hello?", "never mind"], tracker_db)

    stored = store.get(handed_over.id)
    assert (stored.status, stored.resolved_by, stored.resolved_at) == (OPEN, None, None)

    relay_pass(store, clock, fake_rasa, board, [], tracker_db)

    assert store.get(handed_over.id).status == RESOLVED
    assert board.messages == ["hello?"] and board.closed == [f"{handed_over.id} by customer"]
    assert bot_back_calls(fake_rasa) == 2
