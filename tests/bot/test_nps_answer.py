"""Tests for bot/nps_answer.py: reading a 0-10 score out of what a customer typed."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.nps_answer import parse_nps_score
from tests.builders import EMOJI_ONLY_TEXT, LONG_TEXT


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("9", 9),
        ("0", 0),
        ("10", 10),
        ("10/10", 10),
        ("8 out of 10", 8),
        ("a solid eight", 8),
        ("I'd say 7", 7),
        ("score: 9!", 9),
        ("Zero.", 0),
        ("10 10", 10),
        ("eight out of ten", 8),
        ("Nine out of 10", 9),
        ("one more thing: 9", 9),
    ],
)
def test_a_single_score_is_read(text: str, score: int) -> None:
    assert parse_nps_score(text) == score


@pytest.mark.parametrize(
    "text",
    ["11", "-3", "3.5", "100", "11/10", "7 or 8", "nine, maybe ten", "9/10 and 10/10", "great", "",
     EMOJI_ONLY_TEXT, LONG_TEXT],
    ids=["eleven", "negative", "decimal", "hundred", "eleven-out-of-ten", "two-numbers", "two-words",
         "two-ratings", "no-number", "empty", "emoji-only", "20kB"],
)
def test_no_score_when_out_of_range_absent_or_ambiguous(text: str) -> None:
    assert parse_nps_score(text) is None


def test_out_of_ten_takes_precedence_over_other_numbers() -> None:
    score: Optional[int] = parse_nps_score("order 55213 was fine, 7/10")

    assert score == 7
