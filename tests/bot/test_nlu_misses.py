"""Tests for bot/nlu_misses.py: every miss of every intent that changed is listed, not the first N."""

from __future__ import annotations

from typing import Any, Dict, List

from bot.nlu_misses import changed_intents, describe_misses, new_misses


def miss(text: str, gold: str, predicted: str) -> Dict[str, Any]:
    """One `errors` entry of a report section."""
    return {"text": text, "gold": gold, "predicted": predicted, "confidence": 0.42, "tags": ""}


def section(errors: List[Dict[str, Any]], **support: int) -> Dict[str, Any]:
    """A report section with its misses and per-intent support."""
    per_intent = {intent: {"precision": 1, "recall": 1, "f1": 1, "support": n} for intent, n in support.items()}
    return {"accuracy": 0.9, "per_intent": per_intent, "errors": errors}


STEADY = miss("money back now", "refund", "payment")
ACCEPTED = section([STEADY], refund=20, payment=15, order_status=20, greet=8)


def test_only_intents_whose_misses_changed_and_new_intents_count_as_changed() -> None:
    latest = section([STEADY, miss("order status pls", "order_status", "gift_wrapping")],
                     refund=20, payment=15, order_status=18, greet=8, gift_wrapping=2)
    assert changed_intents(latest, ACCEPTED) == ["gift_wrapping", "order_status"]
    assert new_misses(latest, ACCEPTED) == [miss("order status pls", "order_status", "gift_wrapping")]
    fixed = section([], refund=20, payment=15, order_status=20, greet=8)
    assert changed_intents(fixed, ACCEPTED) == ["payment", "refund"]
    listed = describe_misses("held-out split", fixed, ACCEPTED)
    assert "    right now, missed before: refund -> payment: money back now" in listed


def test_every_miss_of_a_changed_intent_is_listed_and_new_ones_marked() -> None:
    lost = [miss(f"where is order {n}", "order_status", "gift_wrapping") for n in range(20)]
    latest = section([STEADY, *lost], refund=20, payment=15, order_status=20, gift_wrapping=10)
    text = "\n".join(describe_misses("held-out split", latest, ACCEPTED))
    assert "  order_status: 20 of 20 missed, 0 taken from other intents" in text
    assert "  gift_wrapping: 0 of 10 missed, 20 taken from other intents" in text
    assert all(f"missed * order_status -> gift_wrapping 0.42: where is order {n}\n" in text + "\n" for n in range(20))
    assert "money back now" not in text, "refund did not change"


def test_every_intent_on_request_and_all_intents_without_an_accepted_report() -> None:
    latest = section([STEADY, miss("hiya", "greet", "affirm")], refund=20, payment=15, greet=8, affirm=9)
    on_request = "\n".join(describe_misses("held-out split", latest, ACCEPTED, every_intent=True))
    assert "money back now" in on_request and "hiya" in on_request
    first_run = "\n".join(describe_misses("held-out split", latest, None))
    assert "refund: 1 of 20 missed" in first_run and "greet: 1 of 8 missed" in first_run
    assert "*" not in first_run.split("\n", 1)[1], "nothing is marked new without a report to compare with"


def test_nothing_changed_says_none() -> None:
    assert describe_misses("regression set", ACCEPTED, ACCEPTED)[1:] == ["  none"]
