"""Tests for actions/policies.py: policy and refund answers in plain words."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from actions.policies import ActionAnswerPolicy, ActionRefund
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, entity, run_action, tracker_for_message


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


@pytest.mark.parametrize("text", ["I want a refund", "refund for 55213 please", "refund for 99999", *ODD_TEXTS],
                         ids=["no-order", "order-without-refund", "unknown-order", *ODD_TEXT_IDS])
def test_refund_otherwise_explains_how_refunds_work(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    outcome = run_action(ActionRefund(shop_services), tracker_for_message(text, "refund"), domain_dict)

    [reply] = outcome.texts
    assert reply.startswith("To get a refund, start a free return under Orders > Return")
    assert "we refund within 2 working days" in reply and "What we can't do:" in reply
    assert reply.endswith('say "talk to a person" and we\'ll sort it out now.')
