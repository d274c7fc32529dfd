"""Tests for actions/orders.py: order status and cancellation from the shop's order file."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from actions.orders import ActionCancelOrder, ActionOrderStatus
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, ActionOutcome, ManualClock, entity, run_action, tracker_for_message


def status(services: Services, domain: Dict[str, Any], text: str, slots: Optional[Dict[str, Any]] = None,
           **user: Any) -> ActionOutcome:
    """Run `action_order_status` on the customer's message."""
    tracker = tracker_for_message(text, "order_status", slots=slots, **user)
    return run_action(ActionOrderStatus(services), tracker, domain)


def cancel(services: Services, domain: Dict[str, Any], text: str, **user: Any) -> ActionOutcome:
    """Run `action_cancel_order` on the customer's message."""
    return run_action(ActionCancelOrder(services), tracker_for_message(text, "cancel_order", **user), domain)


def test_status_from_the_order_id_entity(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = status(shop_services, domain_dict, "where is #55213", entities=[entity("order_id", "#55213")])

    assert outcome.texts == [
        "Order 55213 (Nimbus Wireless Earbuds, Volt Power Bank) is being packed and should arrive by 2026-11-29."
    ]
    assert (outcome.slot("order_id"), outcome.slot("awaiting")) == ("55213", None)


def test_status_from_an_id_typed_in_free_text(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = status(shop_services, domain_dict, "any news on a-10977?")

    assert "running late: the carrier missed its first delivery slot" in outcome.texts[0]
    assert "Tracking number: RM778812345GB" in outcome.texts[0]
    assert outcome.slot("order_id") == "A-10977"


@pytest.mark.parametrize(
    ("text", "entities", "order_id"),
    [
        ("order A 10977 please", [entity("order_id", "10977")], "A-10977"),
        ("where is order ord 7781", [], "ORD-7781"),
        ("MY ORDER IS 55213", [entity("order_id", "55213")], "55213"),
    ],
    ids=["upper-prefix-apart", "lower-prefix-apart", "caps-word-before-the-number"],
)
def test_a_prefix_typed_apart_from_its_digits_finds_the_order(
    shop_services: Services, domain_dict: Dict[str, Any], text: str, entities: list, order_id: str
) -> None:
    """orders.yml promises ids match ignoring spaces; a word before a number must not hide the order."""
    outcome = status(shop_services, domain_dict, text, entities=entities)

    assert outcome.slot("order_id") == order_id
    assert not outcome.texts[0].startswith("I can't find")


@pytest.mark.parametrize(
    "text",
    ["order A-10442 says delivered but I never received it", "A-10442 didn't arrive", "I still haven't got A-10442"],
)
def test_a_delivered_order_the_customer_never_got_is_not_answered_with_delivered_again(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    """A tester was told 'was delivered on 2026-11-06' after saying they never received it."""
    outcome = status(shop_services, domain_dict, text)

    [reply] = outcome.texts
    assert reply.startswith("Order A-10442 (Vortex Robot Vacuum) shows as delivered on 2026-11-06, but if it didn't reach")
    assert 'say "talk to a person"' in reply.lower()


def test_a_delivered_order_asked_about_plainly_says_when_it_was_delivered(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    assert status(shop_services, domain_dict, "has A-10442 arrived?").texts == [
        "Order A-10442 (Vortex Robot Vacuum) was delivered on 2026-11-06."
    ]


def test_status_uses_the_order_given_earlier(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = status(shop_services, domain_dict, "and where is it now?", slots={"order_id": "A-10442"})

    assert outcome.texts == ["Order A-10442 (Vortex Robot Vacuum) was delivered on 2026-11-06."]


def test_without_an_order_id_the_customer_is_asked_for_it(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    outcome = status(shop_services, domain_dict, "where is my order")

    assert outcome.responses == ["utter_ask_order_id"]
    assert outcome.slot("awaiting") == "order_status"


@pytest.mark.parametrize("text", ["my order is 12", "order #abc", "it's ORD-", "order number " + "4" * 25])
def test_a_malformed_order_id_is_treated_as_missing(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    outcome = status(shop_services, domain_dict, text, entities=[entity("order_id", "abc")])

    assert outcome.responses == ["utter_ask_order_id"]


def test_an_unknown_order_id_gets_an_honest_answer_with_the_expected_shape(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    outcome = status(shop_services, domain_dict, "order 99999 please")

    [reply] = outcome.texts
    assert reply.startswith("I can't find an order 99999.")
    assert "#55213 or A-10442" in reply and 'say "talk to a person"' in reply
    assert outcome.slot("awaiting") == "order_status"


def test_a_bare_number_after_being_asked_to_cancel_is_a_cancellation(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    outcome = status(shop_services, domain_dict, "55213", slots={"awaiting": "cancel_order"})

    assert "hasn't shipped yet, so you can cancel it free" in outcome.texts[0]


@pytest.mark.parametrize(
    ("order_id", "expected"),
    [
        ("55213", "hasn't shipped yet, so you can cancel it free"),
        ("ORD-7781", "is already cancelled. Refund: issued on 2026-11-13"),
        ("A-10442", "was already delivered, so it can't be cancelled, but you can return it"),
        ("113542617735902", "has already left our warehouse, so we can't stop it"),
        ("A-10977", "has already left our warehouse, so we can't stop it"),
    ],
)
def test_cancellation_answer_depends_on_the_order_state(
    shop_services: Services, domain_dict: Dict[str, Any], order_id: str, expected: str
) -> None:
    outcome = cancel(shop_services, domain_dict, f"cancel {order_id}")

    assert expected in outcome.texts[0]
    assert (outcome.slot("order_id"), outcome.slot("awaiting")) == (order_id, None)


def test_cancel_without_an_order_id_asks_for_it(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = cancel(shop_services, domain_dict, "I want to cancel my order")

    assert "What's the order number?" in outcome.texts[0]
    assert outcome.slot("awaiting") == "cancel_order"


def test_cancel_an_unknown_order(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = cancel(shop_services, domain_dict, "cancel 424242")

    assert outcome.texts[0].startswith("I can't find an order 424242.")
    assert outcome.slot("awaiting") == "cancel_order"


@pytest.mark.parametrize("text", ODD_TEXTS, ids=ODD_TEXT_IDS)
def test_odd_messages_get_asked_for_the_order_number(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    assert status(shop_services, domain_dict, text).responses == ["utter_ask_order_id"]
    assert cancel(shop_services, domain_dict, text).slot("awaiting") == "cancel_order"


def test_an_order_past_its_estimate_is_called_late_with_a_way_to_get_it_chased(
    services: Services, clock: ManualClock, domain_dict: Dict[str, Any]
) -> None:
    """The stand-in order 55213 should arrive by 2026-11-29; on 7 December that promise has lapsed."""
    clock.advance(days=12)

    outcome = status(services, domain_dict, "where is #55213", entities=[entity("order_id", "#55213")])

    assert "should arrive by 2026-11-29. That date has passed, so it is late, sorry." in outcome.texts[0]
    assert 'Say "talk to a person"' in outcome.texts[0]
