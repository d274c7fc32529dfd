"""`LoudSQLTrackerStore` on a real SQLite file: one read and one append per turn, conversations
that reload as they were written, two instances on one file without duplicates, and a failed
append that raises and loses nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy.exc
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.server.tracker_store import LoudSQLTrackerStore
from tests.bot.server.tracker_store_turns import (
    DOMAIN, as_dicts, customer_turn, run_turn, session_start, statements, stored_rows, turn,
)


def sqlite_store(path: Path, **keys: object) -> LoudSQLTrackerStore:
    """The store as Rasa builds it from endpoints.yml's local settings."""
    created = TrackerStore.create(
        EndpointConfig(type="bot.server.tracker_store.LoudSQLTrackerStore", dialect="sqlite", db=str(path), **keys),
        domain=DOMAIN,
    )
    assert isinstance(created, LoudSQLTrackerStore)
    return created


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LoudSQLTrackerStore]:
    """A store on a new SQLite file."""
    created = sqlite_store(tmp_path / "tracker.db", retry_seconds=0.2)
    yield created
    created.engine.dispose()


def test_a_turn_reads_once_and_appends_its_events_once(store: LoudSQLTrackerStore) -> None:
    turn(store, "c1", "hello")
    before = len(stored_rows(store, "c1"))

    with statements(store) as seen:
        tracker = turn(store, "c1", "how much is the speaker?")

    assert seen == ["SELECT", "INSERT"]
    rows = stored_rows(store, "c1")
    assert len(rows) == before + 5
    assert tracker.get_slot("product") == "speaker"
    assert rows[-5][:3] == ("user", "ask_price", None)
    assert rows[-4][:3] == ("action", None, "action_product_price")


def test_a_new_conversation_is_one_read_and_one_append(store: LoudSQLTrackerStore) -> None:
    with statements(store) as seen:
        tracker = turn(store, "new", "hello")

    assert seen == ["SELECT", "INSERT"]
    assert len(stored_rows(store, "new")) == len(tracker.events) == 8


def test_rows_are_the_ones_rasa_s_own_save_writes(tmp_path: Path) -> None:
    lean = sqlite_store(tmp_path / "lean.db")
    rasa = sqlite_store(tmp_path / "rasa.db", lean=False)
    try:
        for text in ("hello", "how much?", "thanks"):
            for store in (lean, rasa):
                turn(store, "c1", text)
        assert [row[:3] for row in stored_rows(lean, "c1")] == [row[:3] for row in stored_rows(rasa, "c1")]
        assert len(stored_rows(lean, "c1")) == 3 * 5 + 3
    finally:
        lean.engine.dispose()
        rasa.engine.dispose()


def test_a_conversation_reloads_exactly_as_it_was_written(store: LoudSQLTrackerStore, tmp_path: Path) -> None:
    for text in ("hello", "where is my order?", "thanks"):
        written = turn(store, "c1", text)
    store.engine.dispose()

    restarted = sqlite_store(tmp_path / "tracker.db")
    try:
        latest = asyncio.run(restarted.retrieve("c1"))
        full = asyncio.run(restarted.retrieve_full_tracker("c1"))
        assert latest is not None and full is not None
        assert as_dicts(latest) == as_dicts(written)
        assert as_dicts(full)[1:] == as_dicts(written)
        assert full.events[0] == ActionExecuted("action_session_start")
        assert latest.get_slot("product") == "speaker"
        assert asyncio.run(restarted.retrieve("someone else")) is None
    finally:
        restarted.engine.dispose()


def test_only_the_latest_session_is_read_and_the_next_append_follows_it(store: LoudSQLTrackerStore) -> None:
    turn(store, "c1", "first session")
    tracker = asyncio.run(store.retrieve("c1"))
    assert tracker is not None
    for event in [*session_start()[:2], *customer_turn("second session", "ok")]:
        tracker.update(event)
    asyncio.run(store.save(tracker))

    latest = asyncio.run(store.retrieve("c1"))
    full = asyncio.run(store.retrieve_full_tracker("c1"))
    assert latest is not None and full is not None
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["second session"]
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["first session", "second session"]
    assert len(stored_rows(store, "c1")) == len(full.events) == 8 + 7
    assert len(latest.events) == 6


def test_saving_the_same_tracker_twice_appends_nothing_the_second_time(store: LoudSQLTrackerStore) -> None:
    tracker = turn(store, "c1", "hello")

    with statements(store) as seen:
        asyncio.run(store.save(tracker))

    assert seen == []
    assert len(stored_rows(store, "c1")) == len(tracker.events)


def test_a_tracker_the_store_did_not_read_goes_through_rasa_s_count(store: LoudSQLTrackerStore) -> None:
    history = turn(store, "c1", "hello")
    rebuilt = DialogueStateTracker.from_events("c1", list(history.events), DOMAIN.slots)
    for event in customer_turn("again", "ok"):
        rebuilt.update(event)

    with statements(store) as seen:
        asyncio.run(store.save(rebuilt))

    assert seen[0] == "SELECT" and "INSERT" in seen
    assert len(stored_rows(store, "c1")) == 1 + len(rebuilt.events)  # action_session_start precedes the session


def test_two_instances_taking_turns_on_one_conversation_store_each_event_once(tmp_path: Path) -> None:
    first = sqlite_store(tmp_path / "tracker.db")
    second = sqlite_store(tmp_path / "tracker.db")
    try:
        texts = [f"message {number}" for number in range(6)]
        for number, text in enumerate(texts):
            last = turn((first, second)[number % 2], "shared", text)
        stored = asyncio.run(first.retrieve("shared"))
        assert stored is not None
        assert as_dicts(stored) == as_dicts(last)
        assert [e.text for e in stored.events if isinstance(e, UserUttered)] == texts
        assert len(stored_rows(first, "shared")) == 3 + 5 * len(texts)
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_two_instances_at_once_behind_the_conversation_lock_duplicate_nothing(tmp_path: Path) -> None:
    stores = [sqlite_store(tmp_path / "tracker.db"), sqlite_store(tmp_path / "tracker.db")]
    lock = threading.Lock()  # stands in for the lock store: one instance at a time per conversation
    errors: List[BaseException] = []

    def serve(store: LoudSQLTrackerStore, name: str) -> None:
        async def conversation() -> None:
            for number in range(8):
                await run_turn(store, f"own-{name}", f"{name} {number}")
                with lock:
                    await run_turn(store, "shared", f"{name} {number}")

        try:
            asyncio.run(conversation())
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=serve, args=(store, name)) for store, name in zip(stores, "ab")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        shared = asyncio.run(stores[0].retrieve("shared"))
        assert shared is not None
        texts = [e.text for e in shared.events if isinstance(e, UserUttered)]
        assert sorted(texts) == sorted(f"{name} {number}" for name in "ab" for number in range(8))
        assert len(stored_rows(stores[0], "shared")) == 3 + 5 * 16
        for name in "ab":
            assert len(stored_rows(stores[0], f"own-{name}")) == 3 + 5 * 8
    finally:
        for store in stores:
            store.engine.dispose()


def test_a_failed_append_raises_and_the_next_save_writes_what_it_missed(
    store: LoudSQLTrackerStore, tmp_path: Path
) -> None:
    tracker = turn(store, "c1", "hello")
    for event in customer_turn("during the failure", "ok"):
        tracker.update(event)
    with sqlite3.connect(tmp_path / "tracker.db") as admin:
        admin.execute("ALTER TABLE events RENAME TO events_away")

    with pytest.raises(sqlalchemy.exc.OperationalError):
        asyncio.run(store.save(tracker))

    assert store.failures.count == 1
    with sqlite3.connect(tmp_path / "tracker.db") as admin:
        admin.execute("ALTER TABLE events_away RENAME TO events")
    asyncio.run(store.save(tracker))
    reloaded = asyncio.run(store.retrieve_full_tracker("c1"))  # the tracker of a new conversation has it all
    assert reloaded is not None and as_dicts(reloaded) == as_dicts(tracker)
    assert len(stored_rows(store, "c1")) == len(tracker.events)
