"""Tests for review_app/conversations/timeline.py: handoff points and the message that tipped each."""

from __future__ import annotations

from datetime import timedelta

from review_app.conversations.timeline import timeline_from_events, timeline_from_snapshot
from tests.builders import WEDNESDAY_NOON, action_event, simple_event
from tests.review_app.sample_conversations import agent_reply, at, customer, frustrated_conversation, records


def test_tipping_message_is_the_last_customer_message_before_the_handoff() -> None:
    events = frustrated_conversation(WEDNESDAY_NOON) + agent_reply("Hi, Ann here.", "ann", at(WEDNESDAY_NOON, 90))
    timeline = timeline_from_events(events)
    assert [line["role"] for line in timeline.lines] == ["customer", "bot", "customer", "bot", "agent"]
    assert timeline.tipping == {2} and timeline.handoffs_after == {2}
    assert timeline.lines[2]["frustration"] == 0.82
    assert timeline.understood_intents == ["order_status"]


def test_two_handoffs_in_one_conversation_mark_two_tipping_messages() -> None:
    later = WEDNESDAY_NOON + timedelta(hours=1)
    events = frustrated_conversation(WEDNESDAY_NOON) + [simple_event("resume", at(later, 0))] + [
        customer("get me a person", "request_human", 0.95, 0.3, at(later, 5)),
        action_event("action_handoff", at(later, 6)),
    ]
    timeline = timeline_from_events(events)
    assert timeline.tipping == {2, 4} and timeline.handoffs_after == {2, 4}
    assert timeline.understood_intents == ["order_status", "request_human"]


def test_snapshot_ends_at_its_handoff() -> None:
    timeline = timeline_from_snapshot(records(frustrated_conversation(WEDNESDAY_NOON)))
    assert timeline.tipping == {2} and timeline.handoffs_after == {3}


def test_no_messages_no_marks() -> None:
    assert timeline_from_snapshot([]).tipping == frozenset()
    assert timeline_from_events([action_event("action_handoff")]).handoffs_after == frozenset()


def test_fallback_is_not_an_understood_intent() -> None:
    events = [customer("blorp", "nlu_fallback", 0.2, 0.0, at(WEDNESDAY_NOON, 0))]
    assert timeline_from_events(events).understood_intents == []
