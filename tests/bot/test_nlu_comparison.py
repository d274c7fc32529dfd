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
