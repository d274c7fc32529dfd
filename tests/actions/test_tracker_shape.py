"""The tracker dicts the action tests build must be what Rasa 3.6 really sends the action server."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.settings import REPO_ROOT
from tests.builders import (
    Event,
    bot_event,
    bot_replies,
    customer_says,
    entity,
    session_start,
    simple_event,
    tracker_state,
)

COMPARED_KEYS = (
    "sender_id", "slots", "latest_message", "paused", "events", "latest_input_channel", "latest_action_name",
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The project's domain.yml, loaded by Rasa."""
    return Domain.load(REPO_ROOT / "domain.yml")


def rasa_state(domain: Domain, events: List[Event], slots: Dict[str, Any]) -> Dict[str, Any]:
    """The state Rasa sends for a conversation replayed from `events` with the project's domain."""
    tracker = DialogueStateTracker.from_dict("customer-1", events, domain.slots)
    for name, value in slots.items():
        tracker.slots[name].value = value
    return tracker.current_state(EventVerbosity.AFTER_RESTART)


@pytest.mark.parametrize(
    "events",
    [
        [*session_start()],
        [*session_start(), *customer_says("where is #55213", "order_status", entities=[entity("order_id", "#55213")],
                                          channel="telegram", metadata={"name": "Ann"},
                                          frustration={"score": 0.2, "signals": []})],
        [*session_start(), *customer_says("hi", "greet"), *bot_replies("Hello!", "utter_greet"),
         *customer_says("😡", None), simple_event("pause"), bot_event("Sam here", agent="sam")],
    ],
    ids=["new", "one-message", "handed-over"],
)
def test_builders_match_rasas_own_tracker_state(domain: Domain, events: List[Event]) -> None:
    slots = {"order_id": "55213", "nps_asked": True}

    ours, rasas = tracker_state(events, slots=slots), rasa_state(domain, events, slots)

    assert {key: ours[key] for key in COMPARED_KEYS} == {key: rasas[key] for key in COMPARED_KEYS}
