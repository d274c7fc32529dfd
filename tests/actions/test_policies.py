"""Tests for actions/policies.py: policy and refund answers in plain words."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Dict

import pytest

from actions.policies import ActionAnswerPolicy, ActionRefund
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, ManualClock, entity, run_action, tracker_for_message


def test_a_policy_question_gets_the_policy_with_its_limits(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    tracker = tracker_for_message("can I send it back?", "policy_question")

    outcome = run_action(ActionAnswerPolicy(shop_services), tracker, domain_dict)

    [reply] = outcome.texts
    assert reply.startswith("Returns: You can return anything within 30 days")
    assert "What we can't do: We can't take back" in reply
    assert outcome.events == []


@pytest.mark.parametrize("text", ["what are your rules", *ODD_TEXTS], ids=["no-keyword", *ODD_TEXT_IDS])
def test_without_a_known_topic_the_bot_lists_what_it_can_explain(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    outcome = run_action(ActionAnswerPolicy(shop_services), tracker_for_message(text, "policy_question"), domain_dict)

    [reply] = outcome.texts
    assert reply.startswith("I can explain our policies on returns, refunds, shipping, warranty, ")
    assert reply.endswith(". Which one would you like?")


def test_refund_for_a_known_order_gives_its_refund_status(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    tracker = tracker_for_message("my refund for ORD-7781?", "refund", entities=[entity("order_id", "ORD-7781")])

    outcome = run_action(ActionRefund(shop_services), tracker, domain_dict)

    assert outcome.texts == [
        "The refund for order ORD-7781: issued on 2026-11-13, back on your card within 5 working days."
    ]


def test_refund_for_an_order_not_yet_shipped_says_cancel_it_not_return_it(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    """A tester asked for a refund on 55213 (still being packed) and was told to start a return."""
    outcome = run_action(ActionRefund(shop_services), tracker_for_message("I want a refund for order 55213", "refund"),
                         domain_dict)

    [reply] = outcome.texts
    assert reply.startswith("Order 55213 hasn't shipped yet, so there's nothing to return: cancel it free")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime(2026, 11, 25, 12, tzinfo=timezone.utc), "you can return it free until 2026-12-06 for a full refund"),
        (datetime(2026, 12, 7, 12, tzinfo=timezone.utc), "the free 30-day return ended on 2026-12-06. If it's faulty"),
    ],
    ids=["window-open", "window-closed"],
)
def test_refund_for_a_delivered_order_says_whether_the_return_window_is_still_open(
    shop_services: Services, domain_dict: Dict[str, Any], today: datetime, expected: str
) -> None:
    """A tester asked to return A-10442 31 days after delivery and was told '(within 30 days of delivery)'."""
    services = replace(shop_services, clock=ManualClock(today))
    outcome = run_action(ActionRefund(services), tracker_for_message("can I return A-10442?", "refund"), domain_dict)

    [reply] = outcome.texts
    assert reply.startswith("Order A-10442 was delivered on 2026-11-06, so ") and expected in reply


@pytest.mark.parametrize("text", ["I want a refund", "refund for 99999", *ODD_TEXTS],
                         ids=["no-order", "unknown-order", *ODD_TEXT_IDS])
def test_refund_otherwise_explains_how_refunds_work(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    outcome = run_action(ActionRefund(shop_services), tracker_for_message(text, "refund"), domain_dict)

    [reply] = outcome.texts
    assert reply.startswith("To get a refund, start a free return under Orders > Return")
    assert "we refund within 2 working days" in reply and "What we can't do:" in reply
    assert reply.endswith('say "talk to a person" and we\'ll sort it out now.')
