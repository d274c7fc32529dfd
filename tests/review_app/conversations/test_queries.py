"""Tests for review_app/conversations/queries.py: the Rasa X style filters over indexed conversations."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import List

import pytest
from sqlalchemy.engine import Engine

from review_app.conversations.archive import ConversationArchive, open_tracker_engine
from review_app.conversations.index import ConversationIndex
from review_app.conversations.queries import ConversationFilter, ConversationQueries
from review_app.conversations.review_notes import ReviewStore
from tests.builders import WEDNESDAY_NOON
from tests.review_app.sample_conversations import (
    TrackerDatabase, calm_conversation, frustrated_conversation, misunderstood_conversation,
)


@pytest.fixture
def queries(engine: Engine, tmp_path: Path) -> ConversationQueries:
    """calm (rest, 2 days ago, reviewed, tagged), angry (sms, yesterday), lost (telegram, today)."""
    tracker = TrackerDatabase(tmp_path / "tracker.db")
    tracker.add("calm", calm_conversation(WEDNESDAY_NOON - timedelta(days=2)))
    tracker.add("angry", frustrated_conversation(WEDNESDAY_NOON - timedelta(days=1), channel="sms"))
    tracker.add("lost", misunderstood_conversation(WEDNESDAY_NOON, channel="telegram"))
    ConversationIndex(engine, ConversationArchive(open_tracker_engine(tracker.url))).sync()
    reviews = ReviewStore(engine)
    reviews.mark_reviewed("calm", "lea")
    reviews.add_tag("calm", "good", "lea")
    reviews.add_tag("lost", "training", "lea")
    return ConversationQueries(engine, low_confidence=0.5)


def ids(queries: ConversationQueries, filters: ConversationFilter) -> List[str]:
    """Conversation ids of a filtered listing."""
    return [row.conversation_id for row in queries.rows(filters)]


@pytest.mark.parametrize("filters, expected", [
    (ConversationFilter(), ["lost", "angry", "calm"]),
    (ConversationFilter(intent="order_status"), ["angry"]),
    (ConversationFilter(low_confidence=True), ["lost"]),
    (ConversationFilter(channel="sms"), ["angry"]),
    (ConversationFilter(since=date(2026, 11, 24)), ["lost", "angry"]),
    (ConversationFilter(until=date(2026, 11, 24)), ["angry", "calm"]),
    (ConversationFilter(min_messages=2, max_messages=2), ["lost", "angry", "calm"]),
    (ConversationFilter(min_messages=3), []),
    (ConversationFilter(reviewed="yes"), ["calm"]),
    (ConversationFilter(reviewed="no"), ["lost", "angry"]),
    (ConversationFilter(tag="training"), ["lost"]),
])
def test_filters(queries: ConversationQueries, filters: ConversationFilter, expected: List[str]) -> None:
    assert ids(queries, filters) == expected


def test_rows_carry_review_flag_and_tags(queries: ConversationQueries) -> None:
    calm = queries.get("calm")
    assert calm.reviewed and calm.tags == ["good"] and calm.as_record()["tags"] == "good"
    assert queries.get("nobody") is None
    page = queries.page(ConversationFilter(), page=2, per_page=2)
    assert page.total == 3 and page.pages == 2 and [row.conversation_id for row in page.rows] == ["calm"]


def test_misunderstood_messages_follow_the_threshold(queries: ConversationQueries, engine: Engine) -> None:
    assert [m.text for m in queries.misunderstood(ConversationFilter())] == ["do you sell kettles", "blorp the wibble please"]
    strict = ConversationQueries(engine, low_confidence=0.7)
    assert "This is the THIRD time I'm asking, your service is useless!!!" in [
        m.text for m in strict.misunderstood(ConversationFilter())
    ]
    assert queries.misunderstood(ConversationFilter(channel="sms")) == []


def test_facets(queries: ConversationQueries) -> None:
    facets = queries.facets()
    assert facets.channels == ["rest", "sms", "telegram"] and facets.tags == ["good", "training"]
    assert "nlu_fallback" in facets.intents and "thank" in facets.intents


def test_a_page_past_the_last_is_the_last_page(queries: ConversationQueries) -> None:
    page = queries.page(ConversationFilter(), page=10**30, per_page=2)
    assert (page.page, page.pages, [row.conversation_id for row in page.rows]) == (2, 2, ["calm"])
    assert queries.page(ConversationFilter(min_messages=10**9), page=3).page == 1
