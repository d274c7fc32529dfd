"""`LoudSQLTrackerStore` on a SQLite file (the local default): WAL mode, a pooled connection,
conversations that survive a new store on the same file, and a reader that sees every save."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.pool import QueuePool

from bot.server.tracker_store import LoudSQLTrackerStore
from tests.bot.server.test_tracker_store import turn

DOMAIN = Domain.empty()


def sqlite_store(path: Path) -> LoudSQLTrackerStore:
    """The store as Rasa builds it from endpoints.yml's local settings."""
    created = TrackerStore.create(
        EndpointConfig(type="bot.server.tracker_store.LoudSQLTrackerStore", dialect="sqlite", db=str(path)), domain=DOMAIN
    )
    assert isinstance(created, LoudSQLTrackerStore)
    return created


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LoudSQLTrackerStore]:
    """A store on a new SQLite file."""
    created = sqlite_store(tmp_path / "tracker.db")
    yield created
    created.engine.dispose()


def test_the_file_is_in_wal_mode_behind_a_connection_pool(store: LoudSQLTrackerStore, tmp_path: Path) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events("c1", turn("hello", "Hi!"), DOMAIN.slots)))

    with sqlite3.connect(tmp_path / "tracker.db") as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert isinstance(store.engine.pool, QueuePool)
    assert asyncio.run(store.ping())


def test_saves_accumulate_and_another_reader_sees_them(store: LoudSQLTrackerStore, tmp_path: Path) -> None:
    tracker = DialogueStateTracker.from_events("c1", turn("hello", "Hi!"), DOMAIN.slots)
    asyncio.run(store.save(tracker))
    for event in turn("again", "Hi again!"):
        tracker.update(event)
    asyncio.run(store.save(tracker))

    with sqlite3.connect(tmp_path / "tracker.db") as reader:
        rows = reader.execute("SELECT type_name FROM events WHERE sender_id = 'c1' ORDER BY id").fetchall()
    assert [row[0] for row in rows] == ["user", "action", "bot", "action"] * 2
    reloaded = asyncio.run(store.retrieve("c1"))
    assert reloaded is not None
    assert [e.text for e in reloaded.events if isinstance(e, UserUttered)] == ["hello", "again"]


def test_a_new_store_on_the_same_file_continues_the_conversation(store: LoudSQLTrackerStore, tmp_path: Path) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events("c1", turn("hello", "Hi!"), DOMAIN.slots)))
    store.engine.dispose()

    restarted = sqlite_store(tmp_path / "tracker.db")
    try:
        tracker = asyncio.run(restarted.retrieve("c1"))
        assert tracker is not None and tracker.latest_message.text == "hello"
    finally:
        restarted.engine.dispose()


def test_an_in_memory_database_keeps_rasa_s_engine(tmp_path: Path) -> None:
    created = TrackerStore.create(
        EndpointConfig(type="bot.server.tracker_store.LoudSQLTrackerStore", dialect="sqlite", db=":memory:"), domain=DOMAIN
    )
    assert not isinstance(created.engine.pool, QueuePool)
