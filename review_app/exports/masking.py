"""Mask phone numbers and email addresses in customer text before it leaves the review app.

Exports are masked by default; a lead may ask for raw data. Phone numbers follow the project's
one rule (`bot/phone_numbers.py`), which keeps order numbers such as 113542617735902 readable.
"""

from __future__ import annotations

import re
from typing import Any

from bot.phone_numbers import mask_phone_numbers

EMAIL_MASK = "[email]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def mask_text(text: str) -> str:
    """`text` with every email replaced by "[email]" and every phone number by "[phone]"."""
    if not text:
        return text
    return mask_phone_numbers(_EMAIL.sub(EMAIL_MASK, text))


def mask_data(value: Any) -> Any:
    """A copy of JSON-like `value` (dicts, lists, strings) with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(item) for item in value]
    return value

