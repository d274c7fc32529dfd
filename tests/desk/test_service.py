"""`desk.service.DeskService` against a fake Rasa HTTP API on loopback: closing is atomic across
callers (the bot says "I'm back" once), a close Rasa fails can be retried, and replies have a
length limit that refuses them whole."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable, List

import pytest

from bot.handoff.store import CLAIMED, OPEN, RESOLVED, Handoff, HandoffError, HandoffStore
from bot.server.rasa_http_api import RasaApiError, RasaHttpApi
from desk.service import MAX_REPLY_CHARACTERS, DeskService
from tests.builders import ManualClock
from tests.fakes.server import RecordedRequest
from tests.review_app.fake_rasa_api import FakeRasaApi
from tests.review_app.sample_conversations import TrackerDatabase, frustrated_conversation, open_handoff

SENDER = "cust-desk"


@pytest.fixture
def waiting(store: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> Handoff:
    """A customer handed to a person, nobody has claimed it yet."""
    events = frustrated_conversation(clock.now)
    tracker_db.add(SENDER, events)
    return open_handoff(store, SENDER, events)


def with_desk(store: HandoffStore, fake_rasa: FakeRasaApi, work: Callable[[DeskService], Awaitable[Any]]) -> Any:
    """Run `work` with a desk service on the fake Rasa API, closing its client afterwards."""

    async def run() -> Any:
        desk = DeskService(store, RasaHttpApi(fake_rasa.url, fake_rasa.token))
        try:
            return await work(desk)
        finally:
            await desk.conversations.close()

    return asyncio.run(run())


def slow_rasa(fake_rasa: FakeRasaApi, seconds: float = 0.2) -> None:
    """Make every call to the fake take `seconds`, so two closes certainly overlap."""

    def pause(request: RecordedRequest) -> None:
        time.sleep(seconds)

    fake_rasa.add_listener(pause)


def rasa_calls(fake_rasa: FakeRasaApi) -> List[Any]:
    """The resume events and executed actions the desk sent for the conversation, in order."""
    resumes = [body for request in fake_rasa.calls(f"/conversations/{SENDER}/tracker/events")
               for body in request.json() if body.get("event") == "resume"]
    executed = [request.json()["name"] for request in fake_rasa.calls(f"/conversations/{SENDER}/execute")]
    return [resumes, executed]


def test_two_resolves_at_once_resume_the_conversation_once(store: HandoffStore, fake_rasa: FakeRasaApi,
                                                           waiting: Handoff) -> None:
    store.claim(waiting.id, "adam")
    slow_rasa(fake_rasa)

    async def double_click(desk: DeskService) -> List[Any]:
        return await asyncio.gather(desk.resolve(waiting.id, "adam"), desk.resolve(waiting.id, "adam"),
                                    return_exceptions=True)

    outcomes = with_desk(store, fake_rasa, double_click)

    assert rasa_calls(fake_rasa) == [[{"event": "resume"}], ["action_bot_back"]]
    errors = [str(outcome) for outcome in outcomes if isinstance(outcome, HandoffError)]
    assert errors == [f"Handoff {waiting.id} is already resolved."]
    stored = store.get(waiting.id)
    assert (stored.status, stored.resolved_by) == (RESOLVED, "adam")


def test_an_agent_resolve_and_an_automatic_close_at_once_resume_once(store: HandoffStore, fake_rasa: FakeRasaApi,
                                                                     waiting: Handoff) -> None:
    slow_rasa(fake_rasa)

    async def both(desk: DeskService) -> List[Any]:
        return await asyncio.gather(desk.resolve(waiting.id, "adam", "sorted"), desk.close(waiting.id, "auto-close"),
                                    return_exceptions=True)

    outcomes = with_desk(store, fake_rasa, both)

    assert rasa_calls(fake_rasa) == [[{"event": "resume"}], ["action_bot_back"]]
    assert sum(isinstance(outcome, Handoff) for outcome in outcomes) == 1
    assert store.get(waiting.id).resolved_by in ("adam", "auto-close")


def test_a_close_rasa_fails_puts_the_handoff_back_so_it_can_be_retried(store: HandoffStore, fake_rasa: FakeRasaApi,
                                                                       waiting: Handoff) -> None:
    store.claim(waiting.id, "adam")
    fake_rasa.fail_next(1, 500, {"status": "failure"}, path_contains="/execute")

    with pytest.raises(RasaApiError):
        with_desk(store, fake_rasa, lambda desk: desk.resolve(waiting.id, "adam", "Parcel found."))

    stored = store.get(waiting.id)
    assert (stored.status, stored.claimed_by) == (CLAIMED, "adam")
    assert (stored.resolved_at, stored.resolved_by, stored.resolution_note) == (None, None, None)
    assert [handoff.id for handoff in store.queue()] == [waiting.id]

    retried = with_desk(store, fake_rasa, lambda desk: desk.resolve(waiting.id, "adam", "Parcel found."))

    assert (retried.status, retried.resolved_by, retried.resolution_note) == (RESOLVED, "adam", "Parcel found.")
    assert rasa_calls(fake_rasa)[1] == ["action_bot_back", "action_bot_back"]


def test_a_customer_cannot_end_a_claimed_handoff(store: HandoffStore, fake_rasa: FakeRasaApi, waiting: Handoff) -> None:
    store.claim(waiting.id, "adam")

    with pytest.raises(HandoffError, match="being handled by adam"):
        with_desk(store, fake_rasa, lambda desk: desk.customer_leaves(waiting.id))

    assert store.get(waiting.id).status == CLAIMED
    assert rasa_calls(fake_rasa) == [[], []]


@pytest.mark.parametrize("length", [MAX_REPLY_CHARACTERS + 1, 100_000])
def test_a_reply_over_the_limit_is_refused_whole(store: HandoffStore, fake_rasa: FakeRasaApi, waiting: Handoff,
                                                 length: int) -> None:
    with pytest.raises(HandoffError, match=f"at most {MAX_REPLY_CHARACTERS:,} characters and this one has {length:,}"):
        with_desk(store, fake_rasa, lambda desk: desk.reply(waiting.id, "adam", "x" * length))

    assert fake_rasa.agent_messages(SENDER) == []
    stored = store.get(waiting.id)
    assert (stored.status, stored.claimed_by, stored.first_human_reply_at) == (OPEN, None, None)


def test_a_reply_at_the_limit_is_sent_as_one_message(store: HandoffStore, fake_rasa: FakeRasaApi,
                                                     waiting: Handoff) -> None:
    text = "y" * (MAX_REPLY_CHARACTERS - 2)
    with_desk(store, fake_rasa, lambda desk: desk.reply(waiting.id, "adam", f"\r\n{text}\r\n{text[:1]}\r\n"))

    assert [message["text"] for message in fake_rasa.agent_messages(SENDER)] == [f"{text}\n{text[:1]}"]
