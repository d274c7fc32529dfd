"""Tests for the out-of-scope figures of bot/trainer/nlu_scoring.py."""

from __future__ import annotations

import pytest

from bot.trainer.nlu_scoring import Example, Prediction, build_report, format_report, out_of_scope_scores


def test_rejection_counts_out_of_scope_and_fallback_and_in_scope_accuracy_counts_a_fallback_as_wrong() -> None:
    gold = ["out_of_scope", "out_of_scope", "out_of_scope", "out_of_scope", "greet", "thank", "greet"]
    predicted = ["out_of_scope", "nlu_fallback", "refund", "greet", "greet", "nlu_fallback", "greet"]
    scores = out_of_scope_scores(gold, predicted)
    assert scores is not None
    assert (scores.rejection, scores.out_of_scope) == (0.5, 4)
    assert (scores.in_scope_accuracy, scores.in_scope) == (pytest.approx(2 / 3), 3)


def test_data_without_out_of_scope_rows_has_no_rejection_line() -> None:
    examples = [Example("hi", "greet"), Example("thanks", "thank")]
    report = build_report(examples, [Prediction("greet", 0.9), Prediction("greet", 0.6)], [0.01, 0.01])
    assert report.out_of_scope is None
    assert "out of scope" not in format_report(report)


def test_the_report_prints_the_rejection_line() -> None:
    examples = [Example("what's the weather", "out_of_scope"), Example("hi", "greet")]
    report = build_report(examples, [Prediction("nlu_fallback", 0.2), Prediction("greet", 0.9)], [0.01, 0.01])
    assert "out of scope  1.000 rejected (out_of_scope or nlu_fallback) of 1; in-scope accuracy 1.000 of 1" in format_report(report)
