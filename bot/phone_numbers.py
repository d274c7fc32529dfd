"""The one phone-number rule, for exports (readable order numbers) and logs (nothing that may be one).

A phone number is a run of digits (spaces, dots, dashes, brackets allowed) that starts with "+"
and has 8-15 digits, or starts with the international prefix "00" and a country code (not 0)
and has 8-15 digits after the "00" (0044 20 7946 0958), or has 10-11 digits and starts with 0
or is grouped as 555-123-4567 (optionally after a 1). Order numbers such as 113542617735902 and
00123842, 20-digit parcel codes (SSCC, which start with 00) and dates such as 2026-11-25 12 are
not. Logs are stricter: there an unbroken run of 10-15 digits (an SMS sender without its
"+") counts too, since a log line has no reader to lose and every customer to protect.
"""

from __future__ import annotations

import re
from typing import Callable, List

PHONE_MASK = "[phone]"

_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-]{5,}\d(?!\w)")
_DIGIT_GROUPS = re.compile(r"\d+")
_INTERNATIONAL_PREFIX = re.compile(r"00[\s().\-]*[1-9]")
_NORTH_AMERICAN_GROUPS = ([3, 3, 4], [1, 3, 3, 4])


def is_phone_number(candidate: str) -> bool:
    """True when `candidate` (digits with separators) is a phone number, not an order id or a date."""
    groups: List[int] = [len(group) for group in _DIGIT_GROUPS.findall(candidate)]
    digits = sum(groups)
    stripped = candidate.lstrip("(")
    if stripped.startswith("+"):
        return 8 <= digits <= 15
    if _INTERNATIONAL_PREFIX.match(stripped):
        return 8 <= digits - 2 <= 15
    if not 10 <= digits <= 11:
        return False
    return stripped.startswith("0") or groups in _NORTH_AMERICAN_GROUPS


def may_be_phone_number(candidate: str) -> bool:
    """The logs' rule: a phone number, or an unbroken run of 10-15 digits."""
    return is_phone_number(candidate) or (candidate.isdigit() and 10 <= len(candidate) <= 15)


def mask_phone_numbers(text: str, rule: Callable[[str], bool] = is_phone_number) -> str:
    """`text` with every run of digits that `rule` calls a phone number replaced by "[phone]"."""
    if not text:
        return text
    return _CANDIDATE.sub(lambda match: PHONE_MASK if rule(match.group()) else match.group(), text)
