"""Tests for desk/slack_desk.py's handoff card: agents read why the customer is waiting in words."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.handoff.escalation import REASON_ASKED, REASON_FRUSTRATION, REASON_UNAVAILABLE
from bot.handoff.store import Handoff
from desk.slack_desk import handoff_blocks


def handoff(reason: str) -> Handoff:
    """A new handoff of an SMS customer with one line of transcript."""
    return Handoff(id="H-CARD1", conversation_id="c1", channel="sms", customer="Ann", reason=reason,
                   frustration_score=0.4, signals=(), status="open",
                   created_at=datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc),
                   transcript=[{"role": "customer", "text": "hello?"}])


@pytest.mark.parametrize(("reason", "words"), [
    (REASON_ASKED, "asked for a person"), (REASON_FRUSTRATION, "frustrated"),
    (REASON_UNAVAILABLE, "assistant unavailable"), ("weekend_overflow", "weekend overflow"),
])
def test_the_card_says_why_in_words(reason: str, words: str) -> None:
    header = handoff_blocks(handoff(reason), "")[0]["text"]["text"]
    assert header.startswith(f"*H-CARD1*: sms customer *Ann*: {words} (frustration 0.40)")
