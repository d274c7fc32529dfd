"""Reads a 0-10 NPS answer out of what a customer typed ("9", "10/10", "a solid eight", "eight out of ten")."""

from __future__ import annotations

import re
from typing import Optional

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_OUT_OF_TEN = re.compile(r"\b(\d{1,2})\s*(?:/|out of)\s*10\b")
_NUMBER = re.compile(r"(?<![\d.,/-])(\d{1,2})(?![\d.,/]|\s*(?:/|out of)\s*\d)")
_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def parse_nps_score(text: str) -> Optional[int]:
    """The single 0-10 score in `text`, or None when there is none or several disagree."""
    lowered = text.lower()
    spelled_out = _WORD.sub(lambda word: str(_NUMBER_WORDS[word.group(1)]), lowered)
    candidates = [int(m) for m in _OUT_OF_TEN.findall(spelled_out)]
    if not candidates:
        candidates = [int(m) for m in _NUMBER.findall(lowered)]
    if not candidates:
        candidates = [_NUMBER_WORDS[m] for m in _WORD.findall(lowered)]
    scores = {c for c in candidates if 0 <= c <= 10}
    if len(scores) != 1 or len(candidates) != len([c for c in candidates if 0 <= c <= 10]):
        return None
    return scores.pop()
