"""Tests for bot/trainer/confusion_plot.py: counting the matrix and drawing it."""

from __future__ import annotations

from pathlib import Path

from bot.trainer.confusion_plot import confusion_matrix, save_png


def test_counts_gold_rows_against_predicted_columns() -> None:
    matrix = confusion_matrix("t", ["refund", "refund", "greet"], ["refund", "payment", "greet"])
    assert matrix.labels == ("greet", "payment", "refund")
    assert matrix.counts == ((1, 0, 0), (0, 0, 0), (0, 1, 1))


def test_png_is_written_with_one_panel_per_matrix(tmp_path: Path) -> None:
    first = confusion_matrix("held-out", ["a", "b", "b"], ["a", "b", "a"])
    second = confusion_matrix("dev", ["a"], ["nlu_fallback"])
    path = save_png([first, second], tmp_path / "reports" / "confusion_matrix.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
