"""Tests for review_app/conversations/review_notes.py: reviewed flags, tags and notes."""

from __future__ import annotations

import html

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from review_app.conversations.review_notes import ReviewError, ReviewStore
from tests.builders import ManualClock
from tests.review_app.web_client import submit

TAG_RULE = ("is not allowed: use 1-40 characters, each a letter a-z without accents, a digit, a space, '_' or '-', "
            "starting with a letter or digit.")


@pytest.fixture
def reviews(engine: Engine, clock: ManualClock) -> ReviewStore:
    """A review store on the test database."""
    return ReviewStore(engine, clock)


def test_reviewed_flag_keeps_the_first_reviewer(reviews: ReviewStore, clock: ManualClock) -> None:
    assert reviews.review("c1") is None
    reviews.mark_reviewed("c1", "lea")
    reviews.mark_reviewed("c1", "max")
    assert reviews.review("c1").reviewed_by == "lea" and reviews.review("c1").reviewed_at == clock.now
    reviews.mark_unreviewed("c1")
    assert reviews.review("c1") is None


def test_tags_are_normalised_unique_and_removable(reviews: ReviewStore) -> None:
    assert reviews.add_tag("c1", "  Late   Delivery ", "lea") == "late delivery"
    reviews.add_tag("c1", "late delivery", "max")
    reviews.add_tag("c1", "refund", "lea")
    reviews.add_tag("c2", "refund", "lea")
    assert reviews.tags("c1") == ["late delivery", "refund"]
    assert reviews.tags("c2") == ["refund"]
    reviews.remove_tag("c1", "Refund")
    assert reviews.tags("c1") == ["late delivery"]


@pytest.mark.parametrize("tag", ["", "   ", "<b>", "a" * 41, "tag;drop"])
def test_bad_tags_are_refused(reviews: ReviewStore, tag: str) -> None:
    with pytest.raises(ReviewError, match="not allowed"):
        reviews.add_tag("c1", tag, "lea")


@pytest.mark.parametrize("tag", ["café", "-lead", "_x", "a" * 41])
def test_a_refused_tag_is_explained_by_the_rule_it_breaks(lead: TestClient, tag: str) -> None:
    response = submit(lead, "/conversations", "/conversations/tags",
                      {"conversation_id": "c1", "tag": tag, "next": "/conversations"})

    assert response.headers["location"] == "/conversations"
    assert f"Tag {tag!r} {TAG_RULE}" in html.unescape(lead.get("/conversations").text)


def test_tags_the_message_allows_are_accepted(reviews: ReviewStore) -> None:
    assert reviews.add_tag("c1", "Late_delivery 2-day", "lea") == "late_delivery 2-day"
    assert reviews.add_tag("c1", "9" + "x" * 39, "lea") == "9" + "x" * 39


def test_notes(reviews: ReviewStore) -> None:
    reviews.add_note("c1", "lea", "  First look: bot missed the refund question. ")
    reviews.add_note("c1", "max", "Agreed.")
    assert [(note.author, note.text) for note in reviews.notes("c1")] == [
        ("lea", "First look: bot missed the refund question."), ("max", "Agreed."),
    ]
    with pytest.raises(ReviewError, match="needs some text"):
        reviews.add_note("c1", "lea", "  ")
    with pytest.raises(ReviewError, match="limited to 5000"):
        reviews.add_note("c1", "lea", "x" * 5001)
