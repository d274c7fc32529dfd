"""Tests for bot/handoff/store.py on a real SQLite file: states, timings, transcripts and races."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import CLAIMED, OPEN, RESOLVED, RESOLVED_BY_CUSTOMER, ClaimResult, Handoff, HandoffError, HandoffStore
from bot.records.database import create_database_engine
from tests.builders import WEDNESDAY_NOON, ManualClock

TRANSCRIPT: List[Dict[str, Any]] = [
    {"role": "customer", "text": "Where is my order?! 😡", "at": "2026-11-25T11:59:00+00:00"},
    {"role": "bot", "text": "What's your order number?", "at": "2026-11-25T11:59:01+00:00"},
]


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> HandoffStore:
    """A handoff store on the test database and clock."""
    return HandoffStore(engine, clock)


def open_handoff(store: HandoffStore, conversation_id: str = "c-1", **overrides: Any) -> Handoff:
    """Open a handoff with sensible defaults."""
    values: Dict[str, Any] = dict(
        conversation_id=conversation_id,
        channel="telegram",
        customer="Ann",
        reason="frustration",
        frustration_score=0.91,
        signals=["complaint", "third_time"],
        transcript=TRANSCRIPT,
    )
    values.update(overrides)
    return store.open(**values)


def test_open_records_the_handoff_with_its_transcript(store: HandoffStore) -> None:
    handoff = open_handoff(store)

    stored = store.get(handoff.id)
    assert stored == handoff
    assert stored.id.startswith("H-")
    assert (stored.conversation_id, stored.channel, stored.customer) == ("c-1", "telegram", "Ann")
    assert (stored.reason, stored.frustration_score) == ("frustration", 0.91)
    assert stored.signals == ("complaint", "third_time")
    assert stored.status == OPEN
    assert stored.created_at == WEDNESDAY_NOON
    assert stored.transcript == TRANSCRIPT
    assert stored.seconds_to_human is None and stored.handling_seconds is None


def test_conversation_with_an_active_handoff_is_not_queued_twice(store: HandoffStore) -> None:
    first = open_handoff(store)

    second = open_handoff(store, reason="customer_asked")

    assert second.id == first.id
    assert [handoff.id for handoff in store.queue()] == [first.id]


def test_a_resolved_conversation_can_be_handed_off_again(store: HandoffStore, clock: ManualClock) -> None:
    first = open_handoff(store)
    store.resolve(first.id, by="agent-1")
    clock.advance(hours=1)

    second = open_handoff(store)

    assert second.id != first.id
    assert store.active_for_conversation("c-1") == second


def test_the_latest_handoff_of_a_conversation_is_found_after_it_is_resolved(store: HandoffStore, clock: ManualClock) -> None:
    """What `action_bot_back` reads right after the desk closed a handoff: the one just closed."""
    assert store.latest_for_conversation("c-1") is None
    first = open_handoff(store)
    store.resolve(first.id, by="agent-1")
    clock.advance(hours=1)
    second = open_handoff(store)
    store.resolve(second.id, by=RESOLVED_BY_CUSTOMER)

    latest = store.latest_for_conversation("c-1")

    assert latest is not None and latest.id == second.id and latest.resolved_by == RESOLVED_BY_CUSTOMER
    assert store.active_for_conversation("c-1") is None
    assert store.latest_for_conversation("c-2") is None


def test_get_unknown_handoff_raises_key_error(store: HandoffStore) -> None:
    with pytest.raises(KeyError, match="H-NOPE"):
        store.get("H-NOPE")


def test_claim_sets_agent_and_time(store: HandoffStore, clock: ManualClock) -> None:
    handoff = open_handoff(store)
    clock.advance(seconds=40)

    result = store.claim(handoff.id, "agent-1")

    assert result.claimed is True
    assert result.handoff.status == CLAIMED
    assert result.handoff.claimed_by == "agent-1"
    assert result.handoff.claimed_at == WEDNESDAY_NOON + timedelta(seconds=40)


def test_second_claim_loses_and_reports_who_holds_it(store: HandoffStore) -> None:
    handoff = open_handoff(store)
    store.claim(handoff.id, "agent-1")

    result = store.claim(handoff.id, "agent-2")

    assert result.claimed is False
    assert result.handoff.claimed_by == "agent-1"


def test_two_agents_claiming_at_once_exactly_one_wins(database_url: str, engine: Engine) -> None:
    # Two stores with their own engines stand for two desk processes.
    first_desk, second_desk = HandoffStore(engine), HandoffStore(create_database_engine(database_url))
    for round_number in range(5):
        handoff = open_handoff(first_desk, conversation_id=f"race-{round_number}")
        start = threading.Barrier(2)
        results: Dict[str, ClaimResult] = {}

        def claim(store: HandoffStore, agent: str) -> None:
            start.wait()
            results[agent] = store.claim(handoff.id, agent)

        threads = [
            threading.Thread(target=claim, args=(first_desk, "agent-1")),
            threading.Thread(target=claim, args=(second_desk, "agent-2")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(result.claimed for result in results.values()) == [False, True]
        winner = next(agent for agent, result in results.items() if result.claimed)
        assert first_desk.get(handoff.id).claimed_by == winner


def test_time_to_human_counts_from_handoff_to_the_first_reply_only(
    store: HandoffStore, clock: ManualClock
) -> None:
    handoff = open_handoff(store)
    store.claim(handoff.id, "agent-1")
    clock.advance(seconds=75)
    store.record_human_reply(handoff.id)
    clock.advance(minutes=5)

    after_second_reply = store.record_human_reply(handoff.id)

    assert after_second_reply.seconds_to_human == 75.0


def test_resolve_closes_the_handoff_and_measures_handling_time(
    store: HandoffStore, clock: ManualClock
) -> None:
    handoff = open_handoff(store)
    store.claim(handoff.id, "agent-1")
    clock.advance(minutes=12)

    resolved = store.resolve(handoff.id, by="agent-1", note="Refund issued")

    assert resolved.status == RESOLVED
    assert (resolved.resolved_by, resolved.resolution_note) == ("agent-1", "Refund issued")
    assert resolved.handling_seconds == 720.0
    assert store.active_for_conversation("c-1") is None
    assert store.queue() == []


def test_an_open_handoff_can_be_resolved_without_a_claim(store: HandoffStore) -> None:
    handoff = open_handoff(store)

    assert store.resolve(handoff.id, by="supervisor").status == RESOLVED


def test_resolving_twice_is_an_error_that_names_the_state(store: HandoffStore) -> None:
    handoff = open_handoff(store)
    store.resolve(handoff.id, by="agent-1")

    with pytest.raises(HandoffError, match="already resolved"):
        store.resolve(handoff.id, by="agent-2")
    assert store.get(handoff.id).resolved_by == "agent-1"


def test_a_resolved_handoff_cannot_be_claimed(store: HandoffStore) -> None:
    handoff = open_handoff(store)
    store.resolve(handoff.id, by="agent-1")

    result = store.claim(handoff.id, "agent-2")

    assert result.claimed is False
    assert result.handoff.status == RESOLVED


def test_queue_lists_open_and_claimed_oldest_first(store: HandoffStore, clock: ManualClock) -> None:
    oldest = open_handoff(store, conversation_id="a")
    clock.advance(minutes=1)
    middle = open_handoff(store, conversation_id="b")
    clock.advance(minutes=1)
    newest = open_handoff(store, conversation_id="c")
    clock.advance(minutes=1)
    done = open_handoff(store, conversation_id="d")
    store.claim(middle.id, "agent-1")
    store.resolve(done.id, by="agent-1")

    assert [handoff.id for handoff in store.queue()] == [oldest.id, middle.id, newest.id]


def test_escalation_is_recorded_once_per_round_even_with_two_processes(
    store: HandoffStore, clock: ManualClock
) -> None:
    handoff = open_handoff(store)
    clock.advance(minutes=5)

    assert store.mark_escalated(handoff) is True
    assert store.mark_escalated(handoff) is False  # a stale copy: another process got there first
    escalated = store.get(handoff.id)
    assert escalated.escalation_count == 1
    assert escalated.escalated_at == WEDNESDAY_NOON + timedelta(minutes=5)


def test_a_claimed_handoff_is_not_escalated(store: HandoffStore) -> None:
    handoff = open_handoff(store)
    store.claim(handoff.id, "agent-1")

    assert store.mark_escalated(handoff) is False


def test_times_from_a_non_utc_clock_are_stored_as_utc(engine: Engine) -> None:
    london_summer = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    store = HandoffStore(engine, clock=lambda: london_summer)

    handoff = open_handoff(store)

    assert handoff.created_at == datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)
    assert handoff.created_at.utcoffset() == timedelta(0)


def test_unicode_and_long_transcripts_survive_the_round_trip(store: HandoffStore) -> None:
    transcript = [{"role": "customer", "text": "é中文😡" + "x" * 20_000, "at": ""}]

    handoff = open_handoff(store, transcript=transcript, customer="Zoë")

    assert store.get(handoff.id).transcript == transcript
    assert store.get(handoff.id).customer == "Zoë"


def test_of_two_closes_from_the_same_reading_exactly_one_wins(store: HandoffStore) -> None:
    seen = open_handoff(store)

    store.resolve_as_seen(seen, by="agent-1", note="first")

    with pytest.raises(HandoffError, match="already resolved"):
        store.resolve_as_seen(seen, by="agent-2", note="second")
    stored = store.get(seen.id)
    assert (stored.status, stored.resolved_by, stored.resolution_note) == (RESOLVED, "agent-1", "first")


def test_a_close_does_not_end_a_handoff_claimed_since_it_was_read(store: HandoffStore) -> None:
    seen = open_handoff(store)
    store.claim(seen.id, "agent-1")

    with pytest.raises(HandoffError, match="being handled by agent-1"):
        store.resolve_as_seen(seen, by="customer")
    assert store.get(seen.id).status == CLAIMED


def test_undo_resolve_puts_the_handoff_back_as_it_was(store: HandoffStore, clock: ManualClock) -> None:
    seen = store.claim(open_handoff(store).id, "agent-1").handoff
    clock.advance(minutes=3)
    resolved = store.resolve_as_seen(seen, by="agent-1", note="done")

    assert store.undo_resolve(resolved, seen) is True

    assert store.get(seen.id) == seen
    assert store.undo_resolve(resolved, seen) is False  # already undone: nothing to put back


def test_undo_resolve_gives_way_to_a_newer_handoff_of_the_conversation(store: HandoffStore) -> None:
    seen = open_handoff(store)
    resolved = store.resolve_as_seen(seen, by="agent-1")
    newer = open_handoff(store)

    assert store.undo_resolve(resolved, seen) is False

    assert store.get(seen.id).status == RESOLVED
    assert store.active_for_conversation("c-1") == newer
