"""Tests for review_app/conversations/archive.py against a tracker store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from review_app.conversations.archive import ConversationArchive, open_tracker_engine
from tests.builders import WEDNESDAY_NOON
from tests.review_app.sample_conversations import TrackerDatabase, calm_conversation, frustrated_conversation


def test_reads_conversations_in_event_order(tmp_path: Path) -> None:
    tracker = TrackerDatabase(tmp_path / "tracker.db")
    tracker.add("a", calm_conversation(WEDNESDAY_NOON))
    tracker.add("b", frustrated_conversation(WEDNESDAY_NOON))
    archive = ConversationArchive(open_tracker_engine(tracker.url))
    assert archive.available()
    events = archive.events("a")
    assert [event["event"] for event in events] == ["action", "session_started", "user", "bot", "user", "bot"]
    assert events[2]["parse_data"]["frustration"] == {"score": 0.0, "signals": []}
    changed, newest = archive.changed_since(0)
    assert changed == ["a", "b"] and newest == 17
    tracker.add("a", calm_conversation(WEDNESDAY_NOON))
    assert archive.changed_since(newest) == (["a"], 23)
    assert archive.events("nobody") == []


def test_the_tracker_store_is_opened_read_only(tmp_path: Path) -> None:
    tracker = TrackerDatabase(tmp_path / "tracker.db")
    tracker.add("a", calm_conversation(WEDNESDAY_NOON))
    engine = open_tracker_engine(tracker.url)
    with pytest.raises(sa.exc.OperationalError, match="readonly"):
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM events"))


def test_a_missing_tracker_store_is_reported_not_created(tmp_path: Path) -> None:
    archive = ConversationArchive(open_tracker_engine(f"sqlite:///{tmp_path}/missing.db"))
    assert not archive.available()
    assert archive.events("a") == [] and archive.changed_since(5) == ([], 5)
    assert not (tmp_path / "missing.db").exists()
    assert archive.url.endswith("missing.db?mode=ro&uri=true")
