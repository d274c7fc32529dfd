"""Tests for actions/handoff.py with real services: the handoff row, the desk notice, the pause."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

import pytest

from actions.handoff import ActionHandoff
from bot.handoff.store import OPEN, Handoff
from bot.services import Services
from tests.builders import (
    ODD_TEXT_IDS,
    ODD_TEXTS,
    ManualClock,
    bot_replies,
    customer_says,
    run_action,
    tracker_for_message,
)

ANGRY = "This is the THIRD time I'm asking, your service is useless!!!"
# What the NLU pipeline's FrustrationClassifier writes into the parse data for ANGRY.
SCORED_ANGRY = {"score": 0.99, "signals": ["useless", "all_caps", "repeated_punctuation"]}


@pytest.fixture
def action(services: Services) -> ActionHandoff:
    """The handoff action on the test's services."""
    return ActionHandoff(services)


def desk_notices(outbox: Path) -> List[Dict[str, Any]]:
    """The notices the log desk wrote."""
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


def stored_handoff(services: Services, conversation_id: str = "customer-1") -> Handoff:
    """The conversation's active handoff (fails the test when there is none)."""
    handoff = services.handoffs.active_for_conversation(conversation_id)
    assert handoff is not None, "no handoff was stored"
    return handoff


def test_a_frustrated_customer_is_handed_over_and_the_bot_pauses(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any], desk_outbox: Path
) -> None:
    history = [*customer_says("where is my order", "order_status"), *bot_replies("What's your order number?")]
    tracker = tracker_for_message(ANGRY, "complaint", history=history, channel="telegram", frustration=SCORED_ANGRY)

    outcome = run_action(action, tracker, domain_dict)

    handoff = stored_handoff(services)
    assert handoff.status == OPEN
    assert (handoff.reason, handoff.channel) == ("frustration", "telegram")
    assert handoff.frustration_score == pytest.approx(0.99) and "useless" in handoff.signals
    assert [(line["role"], line["text"]) for line in handoff.transcript] == [
        ("customer", "where is my order"),
        ("bot", "What's your order number?"),
        ("customer", ANGRY),
    ]
    assert outcome.events == [{"event": "pause", "timestamp": None}]
    [reply] = outcome.texts
    assert "handing you over to a person" in reply and handoff.id in reply
    assert [notice["handoff_id"] for notice in desk_notices(desk_outbox)] == [handoff.id]


def test_asking_for_a_person_is_recorded_as_customer_asked(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any]
) -> None:
    run_action(action, tracker_for_message("can I talk to a human please", "request_human"), domain_dict)

    assert stored_handoff(services).reason == "customer_asked"


def test_a_handoff_without_a_trigger_in_the_message_is_recorded_as_customer_asked(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any]
) -> None:
    run_action(action, tracker_for_message("ok", "affirm"), domain_dict)

    assert stored_handoff(services).reason == "customer_asked"


def test_agents_see_the_customer_name_from_channel_metadata(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any]
) -> None:
    tracker = tracker_for_message("person please", "request_human", metadata={"customer_name": "Ann Lee"})

    run_action(action, tracker, domain_dict)

    assert stored_handoff(services).customer == "Ann Lee"


def test_without_metadata_agents_see_the_conversation_id(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any]
) -> None:
    run_action(action, tracker_for_message("person please", "request_human", sender_id="+447700900123"), domain_dict)

    assert stored_handoff(services, "+447700900123").customer == "+447700900123"


def test_off_hours_the_customer_is_told_when_the_team_is_back(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any], clock: ManualClock
) -> None:
    clock.now = datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)

    [reply] = run_action(action, tracker_for_message(ANGRY, "complaint", frustration=SCORED_ANGRY), domain_dict).texts

    assert "back at 08:00 on Thursday" in reply
    assert stored_handoff(services).created_at == clock.now


def test_a_second_handoff_request_keeps_the_same_handoff(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any]
) -> None:
    first = run_action(action, tracker_for_message("person please", "request_human"), domain_dict)
    second = run_action(action, tracker_for_message("PERSON NOW!!!", "request_human"), domain_dict)

    handoff = stored_handoff(services)
    assert handoff.id in first.texts[0] and handoff.id in second.texts[0]
    assert [h.id for h in services.handoffs.queue()] == [handoff.id]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=ODD_TEXT_IDS)
def test_odd_messages_are_handed_over_with_the_full_text(
    action: ActionHandoff, services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    outcome = run_action(action, tracker_for_message(text, None), domain_dict)

    assert outcome.events == [{"event": "pause", "timestamp": None}]
    assert stored_handoff(services).transcript[-1]["text"] == text
