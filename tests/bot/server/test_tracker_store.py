"""`LoudSQLTrackerStore` on a real PostgreSQL that the tests stop and restart: blips are ridden
out, longer outages are counted and logged, and an unread conversation is never saved over."""

from __future__ import annotations

import asyncio
import logging
from typing import Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.server.tracker_store import LoudSQLTrackerStore, inner_tracker_store
from tests.bot.server.tracker_store_turns import DOMAIN as TURNS_DOMAIN
from tests.bot.server.tracker_store_turns import as_dicts, marked_turn, statements, stored_rows
from tests.bot.server.tracker_store_turns import turn as turn_on
from tests.local_services import PostgresServer
from tests.service_fixtures import own_postgres_server, service_root  # noqa: F401  (fixtures)

DOMAIN = Domain.empty()


def turn(text: str, reply: str) -> List[Event]:
    """One customer message and the bot's answer."""
    return [
        UserUttered(text, {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        BotUttered(reply),
        ActionExecuted("action_listen"),
    ]


@pytest.fixture
def postgres(own_postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    """The module's server, running again after each test whatever the test did to it."""
    yield own_postgres_server
    if not (own_postgres_server.data_dir / "postmaster.pid").exists():
        own_postgres_server.start()


@pytest.fixture
def store(postgres: PostgresServer, request: pytest.FixtureRequest) -> Iterator[LoudSQLTrackerStore]:
    """A store on a fresh database, built by Rasa's own factory from endpoint settings."""
    url = postgres.create_database(request.node.name.lower()[:60])
    created = TrackerStore.create(
        EndpointConfig(type="bot.server.tracker_store.LoudSQLTrackerStore", url=url, retry_seconds=0.5), domain=DOMAIN
    )
    assert isinstance(created, LoudSQLTrackerStore)
    yield created
    created.engine.dispose()


def saved(store: TrackerStore, sender: str, events: List[Event]) -> DialogueStateTracker:
    """Save a tracker with `events` and return it."""
    tracker = DialogueStateTracker.from_events(sender, events, DOMAIN.slots)
    asyncio.run(store.save(tracker))
    return tracker


def stored_texts(store: TrackerStore, sender: str) -> List[str]:
    """Customer texts stored for `sender`, in order."""
    tracker = asyncio.run(store.retrieve(sender))
    return [] if tracker is None else [event.text for event in tracker.events if isinstance(event, UserUttered)]


def test_rasa_builds_it_from_endpoints_and_finds_it_inside_its_wrapper(store: LoudSQLTrackerStore) -> None:
    agent = Agent(domain=DOMAIN, tracker_store=store)

    assert inner_tracker_store(agent.tracker_store) is store
    assert asyncio.run(store.ping())


def test_conversation_round_trip(store: LoudSQLTrackerStore) -> None:
    saved(store, "c1", turn("hello", "Hi!") + turn("again", "Hi again!"))

    assert stored_texts(store, "c1") == ["hello", "again"]
    assert store.failures.count == 0


def test_a_postgres_restart_between_messages_is_ridden_out(
    store: LoudSQLTrackerStore, postgres: PostgresServer
) -> None:
    first = turn("before restart", "ok")
    saved(store, "c2", first)
    postgres.restart()
    saved(store, "c2", first + turn("after restart", "still here"))

    assert stored_texts(store, "c2") == ["before restart", "after restart"]
    assert store.failures.count == 0


def test_an_outage_is_counted_logged_and_reported(
    store: LoudSQLTrackerStore, postgres: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    agent = Agent(domain=DOMAIN, tracker_store=store)
    saved(store, "c3", turn("kept", "ok"))
    postgres.stop()

    with caplog.at_level(logging.ERROR, logger="bot.server.tracker_store"):
        asyncio.run(agent.tracker_store.save(DialogueStateTracker.from_events("c3", turn("lost", "x"), DOMAIN.slots)))

    assert store.failures.count == 1
    assert store.failures.seconds_since_last() is not None
    assert not asyncio.run(store.ping())
    assert "tracker_store.failure operation=save" in caplog.text


def test_a_conversation_that_could_not_be_read_is_not_saved_over(
    store: LoudSQLTrackerStore, postgres: PostgresServer
) -> None:
    agent = Agent(domain=DOMAIN, tracker_store=store)
    history = turn("first", "ok") + turn("second", "ok") + turn("third", "ok")
    saved(store, "c4", history)
    postgres.stop()
    fresh = asyncio.run(agent.tracker_store.get_or_create_tracker("c4"))
    postgres.start()
    fresh.update(UserUttered("during the outage", {"name": "greet", "confidence": 1.0}))

    asyncio.run(agent.tracker_store.save(fresh))

    assert stored_texts(store, "c4") == ["first", "second", "third"]
    assert store.failures.count == 2
    saved(store, "c4", history + turn("fourth", "ok"))
    assert stored_texts(store, "c4") == ["first", "second", "third", "fourth"]


def test_a_turn_on_postgres_is_one_read_and_one_append(store: LoudSQLTrackerStore) -> None:
    store.domain = TURNS_DOMAIN
    turn_on(store, "p1", "hello")

    with statements(store) as seen:
        tracker = turn_on(store, "p1", "how much is the speaker?")

    assert seen == ["SELECT", "INSERT"]
    assert len(stored_rows(store, "p1")) == 8 + 5
    assert tracker.get_slot("product") == "speaker"


def second_instance(store: LoudSQLTrackerStore) -> TrackerStore:
    """Another instance's store on the same database, with the turns' domain."""
    return TrackerStore.create(
        EndpointConfig(type="bot.server.tracker_store.LoudSQLTrackerStore", url=str(store.engine.url)), domain=TURNS_DOMAIN
    )


def test_two_instances_on_postgres_taking_turns_store_each_event_once(store: LoudSQLTrackerStore) -> None:
    store.domain = TURNS_DOMAIN
    second = second_instance(store)
    try:
        texts = [f"message {number}" for number in range(6)]
        for number, text in enumerate(texts):
            last = turn_on((store, second)[number % 2], "p2", text)
        reloaded = asyncio.run(second.retrieve("p2"))
        assert reloaded is not None and as_dicts(reloaded) == as_dicts(last)
        assert [e.text for e in reloaded.events if isinstance(e, UserUttered)] == texts
        assert len(stored_rows(store, "p2")) == 3 + 5 * len(texts)
    finally:
        second.engine.dispose()


def test_two_instances_on_postgres_see_each_other_s_turns_and_stop_keeping_shared_ones(store: LoudSQLTrackerStore) -> None:
    store.domain = TURNS_DOMAIN
    second = second_instance(store)
    try:
        texts = [f"message {number}" for number in range(8)]
        trackers = [marked_turn((store, second)[number // 2 % 2], "p3", text) for number, text in enumerate(texts)]
        reloaded = asyncio.run(second.retrieve("p3"))
        assert reloaded is not None and as_dicts(reloaded) == as_dicts(trackers[-1])
        assert [e.text for e in trackers[-1].events if isinstance(e, UserUttered)] == texts
        assert len(stored_rows(store, "p3")) == 3 + 5 * len(texts)
        kept_again = [trackers[number] is trackers[number - 1] for number in range(1, len(texts))]
        assert kept_again == [False, False, True, False, False, False, False]
    finally:
        second.engine.dispose()
