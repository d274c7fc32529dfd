"""Mask phone numbers and email addresses in customer text before it leaves the review app.

Exports are masked by default; a lead may ask for raw data. A phone number here is a run of
digits (spaces, dots, dashes, brackets allowed) that starts with "+" and has 8-15 digits, or
has 10-11 digits and starts with 0 or is split into groups (555-123-4567). Order numbers such as
113542617735902 (one unbroken run, no leading 0 or +) stay readable.
"""

from __future__ import annotations

import re
from typing import Any

PHONE_MASK = "[phone]"
EMAIL_MASK = "[email]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-]{5,}\d(?!\w)")
_SEPARATOR = re.compile(r"\d[\s().\-]+\d")


def is_phone_number(candidate: str) -> bool:
    """True when `candidate` (digits with separators) looks like a phone number, not an order id."""
    digits = sum(char.isdigit() for char in candidate)
    stripped = candidate.lstrip("(")
    if stripped.startswith("+"):
        return 8 <= digits <= 15
    if not 10 <= digits <= 11:
        return False
    return stripped.startswith("0") or bool(_SEPARATOR.search(candidate))


def mask_text(text: str) -> str:
    """`text` with every email replaced by "[email]" and every phone number by "[phone]"."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    return _PHONE_CANDIDATE.sub(_mask_phone_match, text)


def mask_data(value: Any) -> Any:
    """A copy of JSON-like `value` (dicts, lists, strings) with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(item) for item in value]
    return value


def _mask_phone_match(match: re.Match[str]) -> str:
    """Replace a candidate run with the mask, keeping trailing spaces the pattern swallowed."""
    candidate = match.group()
    core = candidate.rstrip()
    if not is_phone_number(core):
        return candidate
    return PHONE_MASK + candidate[len(core):]
