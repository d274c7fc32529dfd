"""Trackers kept between a conversation's turns (`bot.server.kept_trackers` with
`LoudSQLTrackerStore` on a real SQLite file): taken back only while the database holds nothing
newer, and always the tracker a read would have given."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Iterator, List

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.kept_trackers import KeptTrackers, marking_turns
from bot.server.tracker_store import LoudSQLTrackerStore
from tests.bot.server.test_tracker_store_appends import sqlite_store
from tests.bot.server.tracker_store_turns import DOMAIN, as_dicts, marked_turn, run_turn, statements


def read_afresh(path: Path, sender: str) -> List[Any]:
    """The conversation's latest session as a store that never kept anything reads it."""
    other = sqlite_store(path, kept_conversations=0)
    try:
        tracker = asyncio.run(other.retrieve(sender))
        assert tracker is not None
        return as_dicts(tracker)
    finally:
        other.engine.dispose()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """The SQLite file of the test's conversations."""
    return tmp_path / "tracker.db"


@pytest.fixture
def store(path: Path) -> Iterator[LoudSQLTrackerStore]:
    """A store keeping trackers, as endpoints.yml configures it."""
    created = sqlite_store(path, retry_seconds=0.2)
    yield created
    created.engine.dispose()


def test_the_next_turn_takes_the_kept_tracker_after_one_small_query(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    second = marked_turn(store, "c1", "how much is the speaker?")

    with statements(store) as seen:
        third = marked_turn(store, "c1", "and the blender?")

    assert third is second
    assert seen == ["SELECT", "INSERT", "SELECT"]
    assert as_dicts(third) == read_afresh(path, "c1")


def test_a_turn_without_the_mark_reads_as_before(store: LoudSQLTrackerStore) -> None:
    marked_turn(store, "c1", "hello")
    marked_turn(store, "c1", "again")

    unmarked = asyncio.run(store.retrieve("c1"))
    after = marked_turn(store, "c1", "and again")

    assert unmarked is not None and unmarked is not after
    assert len(store._kept) == 1


def test_another_writer_s_rows_make_the_turn_read_them(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    kept = marked_turn(store, "c1", "how much?")
    other = sqlite_store(path)
    try:
        asyncio.run(run_turn(other, "c1", "written by another instance"))
    finally:
        other.engine.dispose()

    after = marked_turn(store, "c1", "and now?")

    assert after is not kept
    assert "written by another instance" in [event.get("text") for event in as_dicts(after)]
    assert as_dicts(after) == read_afresh(path, "c1")


def test_a_conversation_another_writer_shares_is_no_longer_kept(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    marked_turn(store, "c1", "how much?")
    other = sqlite_store(path)
    try:
        asyncio.run(run_turn(other, "c1", "written by another instance"))
        marked_turn(store, "c1", "the turn that finds the other's rows")

        with statements(store) as seen:
            after = marked_turn(store, "c1", "and the next")

        assert seen == ["SELECT", "INSERT"]
        assert len(store._kept) == 0
        assert marked_turn(store, "c1", "and then") is not after
        assert as_dicts(after) == read_afresh(path, "c1")[: len(after.events)]
        marked_turn(store, "c2", "hello")
        kept = marked_turn(store, "c2", "another conversation is still kept")
        assert marked_turn(store, "c2", "next") is kept
    finally:
        other.engine.dispose()


def test_shared_conversations_are_forgotten_least_recent_first() -> None:
    kept = KeptTrackers(1)
    for sender in ("a", "b", "c", "d", "e"):
        tracker = DialogueStateTracker(sender, [])
        kept.keep(tracker, 1)
        assert kept.take(sender, 2) is None
    assert [kept.is_shared(sender) for sender in "abcde"] == [False, True, True, True, True]
    kept.clear()
    assert not kept.is_shared("e")


def test_a_tracker_changed_after_its_save_is_read_again(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    kept = marked_turn(store, "c1", "how much?")
    kept.update(UserUttered("a turn that failed before its save"))

    after = marked_turn(store, "c1", "hello again")

    assert after is not kept
    assert "a turn that failed before its save" not in [event.get("text") for event in as_dicts(after)]
    assert as_dicts(after) == read_afresh(path, "c1")


def test_a_new_session_is_read_from_the_database(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    kept = marked_turn(store, "c1", "how much?")
    kept.update(ActionExecuted("action_session_start"))
    kept.update(SessionStarted())
    kept.update(ActionExecuted("action_listen"))
    asyncio.run(handled_turn_saving(store, kept))

    after = marked_turn(store, "c1", "a new day")

    assert after is not kept
    assert as_dicts(after) == read_afresh(path, "c1")
    texts = [event.get("text") for event in as_dicts(after)]
    assert "how much?" not in texts and "a new day" in texts


async def _save(store: LoudSQLTrackerStore, message: UserMessage, tracker: DialogueStateTracker) -> None:
    await store.retrieve(message.sender_id)
    await store.save(tracker)


async def handled_turn_saving(store: LoudSQLTrackerStore, tracker: DialogueStateTracker) -> None:
    """A marked turn that saves `tracker` (which Rasa's session start extended in memory)."""
    handle = marking_turns(lambda _processor, message: _save(store, message, tracker))
    await handle(None, UserMessage("", sender_id=tracker.sender_id))


def test_another_tracker_saved_in_the_turn_keeps_nothing(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")

    async def two_trackers(_processor: Any, message: UserMessage) -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker(message.sender_id)
        second = await store.retrieve_full_tracker(message.sender_id)
        assert second is not None
        second.update(UserUttered("saved through a second read"))
        await store.save(second)
        tracker.update(UserUttered("the turn's own message"))
        await store.save(tracker)
        return tracker

    turn_tracker = asyncio.run(marking_turns(two_trackers)(None, UserMessage("x", sender_id="c1")))
    after = marked_turn(store, "c1", "next")

    assert after is not turn_tracker
    texts = [event.get("text") for event in as_dicts(after)]
    assert "saved through a second read" in texts and "the turn's own message" in texts
    assert as_dicts(after) == read_afresh(path, "c1")


def test_the_least_recent_conversation_is_dropped_first(path: Path) -> None:
    store = sqlite_store(path, kept_conversations=2)
    try:
        for sender in ("a", "b", "c"):
            marked_turn(store, sender, "hello")
        kept = {sender: marked_turn(store, sender, "again") for sender in ("a", "b", "c")}
        assert marked_turn(store, "a", "third") is not kept["a"]
        assert marked_turn(store, "c", "third") is kept["c"]
        assert len(store._kept) == 2
    finally:
        store.engine.dispose()


@pytest.mark.parametrize("keys", [{"kept_conversations": 0}, {"lean": False}])
def test_keeping_can_be_turned_off(path: Path, keys: Any) -> None:
    store = sqlite_store(path, **keys)
    try:
        marked_turn(store, "c1", "hello")
        first = marked_turn(store, "c1", "again")
        assert marked_turn(store, "c1", "and again") is not first
        assert len(store._kept) == 0
    finally:
        store.engine.dispose()


def test_a_new_domain_drops_the_kept_trackers(store: LoudSQLTrackerStore) -> None:
    marked_turn(store, "c1", "hello")
    kept = marked_turn(store, "c1", "again")

    store.domain = Domain.from_dict(DOMAIN.as_dict())

    assert len(store._kept) == 0
    assert marked_turn(store, "c1", "and again") is not kept


def test_the_same_domain_set_again_keeps_them(store: LoudSQLTrackerStore) -> None:
    marked_turn(store, "c1", "hello")
    kept = marked_turn(store, "c1", "again")

    store.domain = store.domain

    assert marked_turn(store, "c1", "and again") is kept


def test_a_kept_tracker_is_given_back_once() -> None:
    kept = KeptTrackers(3)
    tracker = DialogueStateTracker("c1", [])
    tracker.update(UserUttered("hi"))
    kept.keep(tracker, 7)

    assert kept.take("c1", 6) is None
    kept.keep(tracker, 7)
    assert kept.take("c1", 7) is tracker
    assert kept.take("c1", 7) is None


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="kept_conversations"):
        KeptTrackers(-1)


def test_a_turn_with_nothing_kept_reads_once(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    restarted = sqlite_store(path)
    try:
        with statements(restarted) as seen:
            tracker = marked_turn(restarted, "c1", "after a restart")
        assert seen == ["SELECT", "INSERT", "SELECT"]
        assert marked_turn(restarted, "c1", "and then") is tracker
    finally:
        restarted.engine.dispose()


def test_a_row_the_session_leaves_out_keeps_nothing(store: LoudSQLTrackerStore, path: Path) -> None:
    marked_turn(store, "c1", "hello")
    kept = marked_turn(store, "c1", "how much?")
    other = sqlite_store(path)
    try:
        backdated = asyncio.run(other.retrieve("c1"))
        assert backdated is not None
        backdated.update(UserUttered("dated before the session", timestamp=1.0))
        asyncio.run(other.save(backdated))
    finally:
        other.engine.dispose()

    after = [marked_turn(store, "c1", text) for text in ("one", "two")]

    assert after[0] is not kept and after[1] is not after[0]
    assert as_dicts(after[1]) == read_afresh(path, "c1")
    assert "dated before the session" not in [event.get("text") for event in as_dicts(after[1])]
