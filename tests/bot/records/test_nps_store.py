"""Tests for bot/records/nps_store.py: the ask cooldown per customer and the recorded scores."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.records.nps_store import NpsStore, NpsSummary
from tests.builders import ManualClock
from tests.recorded_scores import scores_for_conversation


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> NpsStore:
    """An NPS store with the default 24-hour cooldown."""
    return NpsStore(engine, cooldown_hours=24, clock=clock)


def test_a_new_customer_may_be_asked(store: NpsStore) -> None:
    assert store.may_ask("alice") is True


def test_a_customer_is_not_asked_again_within_the_cooldown(store: NpsStore, clock: ManualClock) -> None:
    store.record_ask("alice", "conversation-1")
    clock.advance(hours=23, minutes=59)

    assert store.may_ask("alice") is False


def test_a_customer_may_be_asked_again_after_the_cooldown(store: NpsStore, clock: ManualClock) -> None:
    store.record_ask("alice", "conversation-1")
    clock.advance(hours=24, seconds=1)

    assert store.may_ask("alice") is True


def test_the_cooldown_is_per_customer(store: NpsStore) -> None:
    store.record_ask("alice", "conversation-1")

    assert store.may_ask("bob") is True


def test_the_cooldown_comes_from_the_constructor(engine: Engine, clock: ManualClock) -> None:
    store = NpsStore(engine, cooldown_hours=1, clock=clock)
    store.record_ask("alice", "conversation-1")
    clock.advance(minutes=61)

    assert store.may_ask("alice") is True


def test_scores_are_recorded_per_conversation_in_order(store: NpsStore, engine: Engine) -> None:
    store.record_score("alice", "conversation-1", "rest", 9)
    store.record_score("bob", "conversation-2", "rest", 3)
    store.record_score("alice", "conversation-1", "rest", 0)

    assert scores_for_conversation(engine, "conversation-1") == [9, 0]


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_scores_outside_0_to_10_are_rejected(store: NpsStore, engine: Engine, score: int) -> None:
    with pytest.raises(ValueError, match="0 to 10"):
        store.record_score("alice", "conversation-1", "rest", score)
    assert scores_for_conversation(engine, "conversation-1") == []


def test_summary_counts_promoters_passives_and_detractors(store: NpsStore) -> None:
    for score in (10, 9, 8, 7, 6, 0):
        store.record_score("alice", "conversation-1", "rest", score)

    summary = store.summary()

    assert summary == NpsSummary(promoters=2, passives=2, detractors=2)
    assert summary.responses == 6
    assert summary.score == 0.0


def test_summary_without_answers_has_no_score(store: NpsStore) -> None:
    assert store.summary().score is None


def test_nps_is_promoters_minus_detractors_in_percent() -> None:
    assert NpsSummary(promoters=3, passives=0, detractors=1).score == 50.0
