"""Tests for bot/transcript.py: readable transcripts from tracker events."""

from __future__ import annotations

from bot.transcript import AGENT, BOT, CUSTOMER, transcript_from_events
from tests.builders import (
    DEFAULT_TIMESTAMP,
    action_event,
    bot_event,
    session_start,
    simple_event,
    user_event,
)


def test_customer_bot_and_agent_lines_in_order_with_time_intent_and_score() -> None:
    events = [
        *session_start(),
        user_event("Where is my order?!", intent="order_status", confidence=0.87,
                   frustration={"score": 0.62, "signals": ["complaint"]}, timestamp=DEFAULT_TIMESTAMP),
        action_event("action_order_status"),
        bot_event("What's your order number?", timestamp=DEFAULT_TIMESTAMP + 1),
        simple_event("pause"),
        bot_event("Hi, I'm Sam from the team.", agent="sam", timestamp=DEFAULT_TIMESTAMP + 60),
    ]

    assert transcript_from_events(events) == [
        {
            "role": CUSTOMER,
            "text": "Where is my order?!",
            "at": "2026-11-25T12:00:00+00:00",
            "intent": "order_status",
            "confidence": 0.87,
            "frustration": 0.62,
        },
        {"role": BOT, "text": "What's your order number?", "at": "2026-11-25T12:00:01+00:00"},
        {"role": AGENT, "text": "Hi, I'm Sam from the team.", "at": "2026-11-25T12:01:00+00:00", "agent": "sam"},
    ]


def test_bot_events_without_text_or_buttons_are_left_out() -> None:
    silent = {"event": "bot", "timestamp": DEFAULT_TIMESTAMP, "text": None, "data": {}}
    buttons = {"event": "bot", "timestamp": DEFAULT_TIMESTAMP, "text": None, "data": {"buttons": [{"title": "Yes"}]}}

    lines = transcript_from_events([silent, buttons])

    assert lines == [{"role": BOT, "text": "", "at": "2026-11-25T12:00:00+00:00"}]


def test_messages_without_parse_data_or_timestamp_still_appear() -> None:
    lines = transcript_from_events([{"event": "user", "text": "😡"}])

    assert lines == [
        {"role": CUSTOMER, "text": "😡", "at": "", "intent": None, "confidence": None, "frustration": None}
    ]


def test_empty_history_gives_an_empty_transcript() -> None:
    assert transcript_from_events([]) == []
