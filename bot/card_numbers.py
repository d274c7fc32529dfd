"""Mask payment card numbers before a customer's message enters Rasa, so they are never stored.

A card number here is 13-19 digits (spaces or dashes allowed between groups) that passes the
Luhn check and starts with 2-6, the payment-card industries. The first-digit rule keeps order
numbers such as 113542617735902, which happen to be Luhn-valid, readable for the bot.
"""

from __future__ import annotations

import re
from typing import List, Tuple

_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[ \-]\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")
CARD_DIGITS = range(13, 20)
CARD_FIRST_DIGITS = "23456"


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by every card network."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """True for a plausible payment card number (length, issuer digit and Luhn)."""
    return len(digits) in CARD_DIGITS and digits[0] in CARD_FIRST_DIGITS and luhn_valid(digits)


def mask_card_numbers(text: str) -> str:
    """Replace every card number in `text` with "[card ending 1234]"."""
    if not text:
        return text
    spans: List[Tuple[int, int, str]] = []
    for run in _DIGIT_RUN.finditer(text):
        spans.extend(_cards_in_run(run.group(), run.start()))
    for start, end, digits in reversed(spans):
        text = f"{text[:start]}[card ending {digits[-4:]}]{text[end:]}"
    return text


def _cards_in_run(run: str, offset: int) -> List[Tuple[int, int, str]]:
    """Card numbers made of whole consecutive groups of a digit run, longest first, no overlaps."""
    groups = [(m.start(), m.end(), m.group()) for m in _GROUP.finditer(run)]
    found: List[Tuple[int, int, str]] = []
    first = 0
    while first < len(groups):
        match = None
        for last in range(len(groups) - 1, first - 1, -1):
            digits = "".join(group[2] for group in groups[first : last + 1])
            if is_card_number(digits):
                match = (offset + groups[first][0], offset + groups[last][1], digits, last)
                break
        if match is None:
            first += 1
            continue
        found.append(match[:3])
        first = match[3] + 1
    return found
