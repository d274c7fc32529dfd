"""Tests for actions/complaints.py with real services on a SQLite file."""

from __future__ import annotations

import re
from typing import Any, Dict

import pytest

from actions.complaints import ActionLogComplaint
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, entity, run_action, tracker_for_message


def ticket_reference(reply: str) -> str:
    """The ticket reference quoted in the reply (fails the test when there is none)."""
    match = re.search(r"\bticket (CS-[A-Z0-9]{6})\b", reply)
    assert match, f"no ticket reference in {reply!r}"
    return match.group(1)


@pytest.fixture
def action(services: Services) -> ActionLogComplaint:
    """The complaint action on the test's services."""
    return ActionLogComplaint(services)


def test_a_complaint_becomes_a_ticket_whose_reference_is_in_the_reply(
    action: ActionLogComplaint, services: Services, domain_dict: Dict[str, Any]
) -> None:
    text = "My Lumen desk lamp from order #55213 flickers constantly"
    tracker = tracker_for_message(text, "complaint", sender_id="c-9", channel="whatsapp")

    outcome = run_action(action, tracker, domain_dict)

    [reply] = outcome.texts
    ticket = services.tickets.get(ticket_reference(reply))
    assert (ticket.conversation_id, ticket.channel, ticket.text) == ("c-9", "whatsapp", text)
    assert (ticket.product, ticket.order_id) == ("Lumen Desk Lamp", "55213")
    assert 'say "talk to a person"' in reply
    assert outcome.events == []


def test_the_order_id_entity_is_used_when_present(
    action: ActionLogComplaint, services: Services, domain_dict: Dict[str, Any]
) -> None:
    tracker = tracker_for_message("the vacuum order was awful", "complaint", entities=[entity("order_id", "a-10442")])

    reply = run_action(action, tracker, domain_dict).texts[0]

    ticket = services.tickets.get(ticket_reference(reply))
    assert (ticket.order_id, ticket.product) == ("A-10442", "Vortex Robot Vacuum")


def test_a_complaint_without_product_or_order_is_still_logged(
    action: ActionLogComplaint, services: Services, domain_dict: Dict[str, Any]
) -> None:
    reply = run_action(action, tracker_for_message("you are all useless", "complaint"), domain_dict).texts[0]

    ticket = services.tickets.get(ticket_reference(reply))
    assert (ticket.product, ticket.order_id, ticket.channel) == (None, None, "rest")


@pytest.mark.parametrize("text", ODD_TEXTS, ids=ODD_TEXT_IDS)
def test_odd_messages_are_logged_word_for_word(
    action: ActionLogComplaint, services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    reply = run_action(action, tracker_for_message(text, "complaint"), domain_dict).texts[0]

    assert services.tickets.get(ticket_reference(reply)).text == text
