"""Tests for bot/records/feedback_store.py on a real SQLite file."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.records.feedback_store import FeedbackStore, feedback_table
from tests.builders import EMOJI_ONLY_TEXT, WEDNESDAY_NOON, ManualClock


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> FeedbackStore:
    """A feedback store on the test database and clock."""
    return FeedbackStore(engine, clock)


def test_feedback_is_kept_word_for_word_in_order(store: FeedbackStore) -> None:
    store.record("c-1", "rest", "Love the lamp")
    store.record("c-2", "telegram", "Other customer")
    store.record("c-1", "rest", EMOJI_ONLY_TEXT)

    assert store.for_conversation("c-1") == ["Love the lamp", EMOJI_ONLY_TEXT]
    assert store.for_conversation("unknown") == []


def test_record_returns_increasing_ids_and_stores_channel_and_time(
    store: FeedbackStore, engine: Engine
) -> None:
    first = store.record("c-1", "sms", "one")
    second = store.record("c-1", "sms", "two")

    assert second > first
    with engine.connect() as connection:
        row = connection.execute(sa.select(feedback_table).where(feedback_table.c.id == first)).one()
    assert (row.channel, row.created_at) == ("sms", WEDNESDAY_NOON.replace(tzinfo=None))
