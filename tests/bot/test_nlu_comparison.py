"""Tests for bot/nlu_comparison.py: what changed between two reports, and the CI accuracy gate."""

from __future__ import annotations

from typing import Any, Dict

from bot.nlu_comparison import accuracy_gate, describe_changes, intent_changes


def scores(f1: float, support: int = 10) -> Dict[str, Any]:
    """Per-intent figures as `bench.nlu_eval.report_as_json` writes them."""
    return {"precision": f1, "recall": f1, "f1": f1, "support": support}


def report(accuracy: float, **per_intent: float) -> Dict[str, Any]:
    """A report JSON with only a held-out section."""
    return {
        "created": "2026-11-25T12:00:00+00:00",
        "heldout": {
            "accuracy": accuracy,
            "macro_f1": accuracy,
            "per_intent": {name: scores(f1) for name, f1 in per_intent.items()},
        },
        "dev": None,
    }


ACCEPTED = report(0.90, refund=0.90, greet=0.95, payment=0.85)


def test_gate_fires_on_a_degraded_report() -> None:
    degraded = report(0.87, refund=0.70, greet=0.95, payment=0.85)
    verdict = accuracy_gate(degraded, ACCEPTED, margin=0.02)
    assert not verdict.passed
    assert "fell to 0.870, more than 0.020 below the accepted 0.900" in verdict.message
    assert "python -m bot.trainer accept" in verdict.message


def test_gate_passes_within_the_margin_and_on_improvement() -> None:
    assert accuracy_gate(report(0.885), ACCEPTED, margin=0.02).passed
    assert accuracy_gate(report(0.880), ACCEPTED, margin=0.02).passed
    assert accuracy_gate(report(0.95), ACCEPTED, margin=0.02).passed


def test_gate_margin_is_configurable() -> None:
    assert not accuracy_gate(report(0.885), ACCEPTED, margin=0.01).passed
    assert accuracy_gate(report(0.85), ACCEPTED, margin=0.05).passed


def test_gate_without_accepted_report_passes_and_says_so() -> None:
    verdict = accuracy_gate(report(0.5), None)
    assert verdict.passed
    assert "no accepted report" in verdict.message


def test_gate_fails_when_latest_has_no_heldout_figures() -> None:
    verdict = accuracy_gate({"heldout": None}, ACCEPTED)
    assert not verdict.passed
    assert "python -m bot.trainer eval" in verdict.message


def test_intent_changes_lists_biggest_changes_first_and_new_intents() -> None:
    latest = report(0.9, refund=0.70, greet=0.96, payment=0.85, warranty_claim=0.80)
    changes = intent_changes(latest["heldout"], ACCEPTED["heldout"])
    assert changes[0].intent == "refund"
    assert round(changes[0].delta, 3) == -0.2
    new = [change for change in changes if change.before is None]
    assert [change.intent for change in new] == ["warranty_claim"]


def test_describe_changes_says_what_got_better_or_worse() -> None:
    latest = report(0.91, refund=0.70, greet=0.99, payment=0.85, warranty_claim=0.80)
    text = describe_changes(latest, ACCEPTED)
    assert "accuracy 0.900 -> 0.910 (+0.010)" in text
    assert "better (F1):\n    greet" in text
    assert "worse (F1):\n    refund             0.900 -> 0.700 (-0.200, n=10)" in text
    assert "new intents: warranty_claim (F1 0.800, n=10)" in text
    assert "unchanged within ±0.01: 1 intents" in text


def test_describe_changes_without_accepted_report() -> None:
    assert "No accepted report yet" in describe_changes(report(0.9), None)


def miss(text: str, gold: str, predicted: str) -> Dict[str, Any]:
    """One `errors` entry of a report section."""
    return {"text": text, "gold": gold, "predicted": predicted, "confidence": 0.5, "tags": ""}


def with_regression(accuracy: float, *errors: Dict[str, Any]) -> Dict[str, Any]:
    """The accepted held-out figures plus a regression section."""
    result = dict(report(0.90))
    result["regression"] = {"accuracy": accuracy, "macro_f1": accuracy, "per_intent": {}, "errors": list(errors)}
    return result


OLD_MISS = miss("r u human", "bot_challenge", "request_human")


def test_regression_drop_fails_and_names_the_intents_and_phrasings() -> None:
    accepted = with_regression(0.95, OLD_MISS)
    latest = with_regression(0.94, OLD_MISS, miss("order status pls", "order_status", "gift_wrapping"),
                             miss("track my parcel please", "order_status", "gift_wrapping"))
    verdict = accuracy_gate(latest, accepted)
    assert not verdict.passed
    assert "Regression-set accuracy fell to 0.940 from the accepted 0.950" in verdict.message
    assert ('2 order_status phrasing(s) now read as gift_wrapping (e.g. "order status pls", "track my parcel please")'
            in verdict.message)
    assert "r u human" not in verdict.message, "a miss the accepted report already had is not news"


def test_regression_gate_passes_when_held_and_when_no_accepted_figures() -> None:
    assert accuracy_gate(with_regression(0.95), with_regression(0.95)).passed
    assert accuracy_gate(with_regression(0.96), with_regression(0.95)).passed
    first = accuracy_gate(with_regression(0.90), report(0.90))
    assert first.passed and "the accepted report has none to compare with" in first.message
    assert accuracy_gate(with_regression(0.94), with_regression(0.95), regression_margin=0.02).passed


def test_regression_gate_fails_when_latest_lacks_the_regression_set() -> None:
    verdict = accuracy_gate(report(0.90), with_regression(0.95))
    assert not verdict.passed and "no regression-set accuracy" in verdict.message


def test_held_out_and_regression_verdicts_are_both_reported() -> None:
    verdict = accuracy_gate(with_regression(0.95), with_regression(0.95))
    assert "Held-out intent accuracy 0.900" in verdict.message and "Regression-set accuracy 0.950" in verdict.message
