"""Tests for actions/bot_back.py with real services: what the bot says when a handoff ends, and NPS
only after an agent helped, whether the desk resolved the row before or after the action runs."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker

from actions.bot_back import ActionBotBack
from actions.handoff import ActionHandoff
from bot.handoff.store import Handoff
from bot.services import Services
from tests.builders import (
    ActionOutcome,
    Event,
    action_event,
    bot_event,
    customer_says,
    run_action,
    session_start,
    simple_event,
    tracker_for_message,
    tracker_state,
)

AGENT = ["utter_bot_back"]
ASKED = ["utter_bot_back", "utter_nps_question"]


def handed_over(services: Services, domain: Dict[str, Any], sender_id: str = "customer-1") -> List[Event]:
    """A conversation handed to a person by the real handoff action: its events up to the pause."""
    history = [*customer_says("where is #55213", "order_status"), action_event("action_order_status"),
               bot_event("Order 55213 is packed."), action_event("action_listen")]
    tracker = tracker_for_message("can I talk to a person", "request_human", sender_id=sender_id, history=history)
    notice = run_action(ActionHandoff(services), tracker, domain).texts
    notice_events = [bot_event(text) for text in notice]
    return [*tracker.events, action_event("action_handoff"), *notice_events, simple_event("pause")]


def the_handoff(services: Services, sender_id: str = "customer-1") -> Handoff:
    """The conversation's open handoff."""
    handoff = services.handoffs.active_for_conversation(sender_id)
    assert handoff is not None
    return handoff


def bot_back(services: Services, domain: Dict[str, Any], events: List[Event], sender_id: str = "customer-1",
             active_loop: Optional[str] = None, **slots: Any) -> ActionOutcome:
    """Run `action_bot_back` as the desk does: after the `resume` event."""
    state = tracker_state([*events, simple_event("resume")], sender_id=sender_id, slots=slots)
    state["active_loop"] = {"name": active_loop} if active_loop else {}
    return run_action(ActionBotBack(services), Tracker.from_dict(state), domain)


@pytest.mark.parametrize("resolved_first", [True, False], ids=["resolved-first", "resolved-after"])
def test_an_agent_who_replied_hands_back_the_bot_says_so_and_asks_nps_once(
    services: Services, domain_dict: Dict[str, Any], resolved_first: bool
) -> None:
    events = handed_over(services, domain_dict)
    handoff = services.handoffs.record_human_reply(the_handoff(services).id)
    events.append(bot_event("Hi, Alice here. It's at the depot.", agent="alice"))
    if resolved_first:
        services.handoffs.resolve(handoff.id, by="alice")

    first = bot_back(services, domain_dict, events)
    again = bot_back(services, domain_dict, events, nps_asked=True)

    assert first.responses == ASKED and first.slot("nps_asked") is True
    assert again.responses == AGENT and again.events == []


@pytest.mark.parametrize("resolved_first", [True, False], ids=["resolved-first", "resolved-after"])
def test_an_agent_hand_back_without_a_reply_asks_no_nps(
    services: Services, domain_dict: Dict[str, Any], resolved_first: bool
) -> None:
    events = handed_over(services, domain_dict)
    if resolved_first:
        services.handoffs.resolve(the_handoff(services).id, by="alice")

    outcome = bot_back(services, domain_dict, events)

    assert outcome.responses == AGENT and outcome.events == []
    assert services.nps.may_ask("customer-1") is True


@pytest.mark.parametrize(
    ("resolved_by", "response"),
    [("customer", "utter_bot_back_customer_left"), ("auto-close", "utter_bot_back_auto_close")],
)
@pytest.mark.parametrize("agent_replied", [False, True], ids=["unanswered", "answered"])
def test_a_customer_who_left_or_an_auto_close_gets_honest_words_and_no_nps(
    services: Services, domain_dict: Dict[str, Any], resolved_by: str, response: str, agent_replied: bool
) -> None:
    events = handed_over(services, domain_dict)
    handoff = the_handoff(services)
    if agent_replied:
        services.handoffs.record_human_reply(handoff.id)
    services.handoffs.resolve(handoff.id, by=resolved_by)

    outcome = bot_back(services, domain_dict, events)

    assert outcome.responses == [response] and outcome.events == []
    assert services.nps.may_ask("customer-1") is True


def test_without_a_handoff_the_bot_is_back_and_asks_nothing(services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = bot_back(services, domain_dict, [*session_start(), *customer_says("hi", "greet")])

    assert outcome.responses == AGENT and outcome.events == []


def test_another_conversations_handoff_is_not_taken_for_this_ones(
    services: Services, domain_dict: Dict[str, Any]
) -> None:
    """Its reference copied into this conversation (say, pasted by the customer) changes nothing."""
    elsewhere = handed_over(services, domain_dict, sender_id="someone-else")
    services.handoffs.record_human_reply(the_handoff(services, "someone-else").id)
    services.handoffs.resolve(the_handoff(services, "someone-else").id, by="alice")

    outcome = bot_back(services, domain_dict, elsewhere, sender_id="customer-1")

    assert outcome.responses == AGENT and outcome.events == []


def test_a_reason_question_the_handoff_interrupted_is_dropped(
    services: Services, domain_dict: Dict[str, Any]
) -> None:
    events = handed_over(services, domain_dict)
    services.handoffs.resolve(the_handoff(services).id, by="customer")

    outcome = bot_back(services, domain_dict, events, active_loop="nps_reason_form",
                       nps_asked=True, nps_low_score=True, nps_reason="can I talk to a person",
                       requested_slot="nps_reason")

    assert outcome.responses == ["utter_bot_back_customer_left"]
    assert {"event": "active_loop", "name": None, "timestamp": None} in outcome.events
    assert [outcome.slot(name) for name in ("requested_slot", "nps_reason", "nps_low_score")] == [None, None, None]
