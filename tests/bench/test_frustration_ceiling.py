"""Tests for bench/frustration_ceiling.py on a small file of our own sentences (not the eval data)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.frustration_ceiling import main

ANGRY = [
    "this is useless and I am fed up", "worst service ever, I hate this", "you people are hopeless",
    "I'm so annoyed, nothing works", "what a joke, totally pathetic", "this is ridiculous and stupid",
    "I am sick of waiting, awful", "terrible, I want to scream", "disgusting way to treat customers",
    "stop wasting my time, idiots",
]
CALM = [
    "thanks, that helps a lot", "what time do you open tomorrow", "lovely, have a nice day",
    "can I pay by card", "great, the parcel arrived", "how do I change my address",
    "I appreciate your help", "is the blue one in stock", "perfect, thank you so much", "where is my order",
]


def _write(path: Path, rows: list[tuple[str, int]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def test_prints_out_of_fold_rows_for_each_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every model gets a row of six numbers in [0, 1]."""
    data = _write(tmp_path / "mini.csv", [(t, 1) for t in ANGRY] + [(t, 0) for t in CALM])
    assert main(["--data", str(data), "--folds", "2"]) == 0
    output = capsys.readouterr().out
    assert "20 messages, 10 frustrated; 2-fold" in output
    for name in ("our scorer", "TF-IDF LR fitted on the other folds", "same + our scorer's score"):
        line = next(line for line in output.splitlines() if line.startswith(name))
        numbers = [float(value) for value in line[38:].split()]
        assert len(numbers) == 6 and all(0.0 <= value <= 1.0 for value in numbers)


def test_missing_file_and_bad_folds_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No traceback: a message naming the problem and exit code 2."""
    assert main(["--data", str(tmp_path / "absent.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    data = _write(tmp_path / "mini.csv", [("fine", 0), ("awful", 1)])
    assert main(["--data", str(data), "--folds", "1"]) == 2
    assert "--folds must be at least 2" in capsys.readouterr().err
