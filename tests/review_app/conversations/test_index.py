"""Tests for review_app/conversations/index.py: summaries follow the tracker store incrementally."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from review_app.conversations.archive import ConversationArchive, open_tracker_engine
from review_app.conversations.index import ConversationIndex, conversation_messages_table, digest_conversation
from tests.builders import WEDNESDAY_NOON, action_event
from tests.review_app.sample_conversations import (
    TrackerDatabase, agent_reply, at, calm_conversation, frustrated_conversation, misunderstood_conversation,
)


def test_digest_of_a_handed_over_conversation() -> None:
    events = frustrated_conversation(WEDNESDAY_NOON, channel="telegram") + agent_reply("Hi", "ann", at(WEDNESDAY_NOON, 99))
    digest = digest_conversation("c1", events)
    summary = digest.summary
    assert summary["channel"] == "telegram" and summary["handoffs"] == 1
    assert (summary["customer_messages"], summary["bot_messages"], summary["agent_messages"]) == (2, 2, 1)
    assert summary["lowest_confidence"] == 0.61
    assert summary["started_at"] == datetime(2026, 11, 25, 12, 0)
    assert summary["last_message_at"] == datetime(2026, 11, 25, 12, 1, 39)
    assert summary["preview"] == "where is my order 113542617735902"
    assert [message["intent"] for message in digest.messages] == ["order_status", "order_status"]


def test_best_guess_of_a_fallback_is_the_top_real_intent() -> None:
    digest = digest_conversation("c1", misunderstood_conversation(WEDNESDAY_NOON))
    first = digest.messages[0]
    assert (first["intent"], first["best_guess"], first["confidence"]) == ("nlu_fallback", "product_question", 0.21)


def test_a_conversation_without_messages_has_no_digest() -> None:
    assert digest_conversation("c1", [action_event("action_session_start")]) is None


def test_sync_is_incremental_and_rewrites_changed_conversations(engine: Engine, tmp_path: Path) -> None:
    tracker = TrackerDatabase(tmp_path / "tracker.db")
    index = ConversationIndex(engine, ConversationArchive(open_tracker_engine(tracker.url)), chunk_size=1)
    assert index.sync() == 0
    tracker.add("a", calm_conversation(WEDNESDAY_NOON))
    tracker.add("b", misunderstood_conversation(WEDNESDAY_NOON))
    assert index.sync() == 2 and index.sync() == 0
    tracker.add("a", calm_conversation(WEDNESDAY_NOON + timedelta(hours=1)))
    assert index.sync() == 1
    with engine.connect() as connection:
        counts = dict(connection.execute(
            sa.select(conversation_messages_table.c.conversation_id, sa.func.count())
            .group_by(conversation_messages_table.c.conversation_id)
        ).all())
    assert counts == {"a": 4, "b": 2}
    assert index.last_event_id() == 18
