"""Mask phone numbers and email addresses in customer text before it leaves the review app.

Exports are masked by default; a lead may ask for raw data. Phone numbers follow the project's
one rule (`bot/phone_numbers.py`), which keeps order numbers such as 113542617735902 readable.
Email addresses may be internationalised (josé@correo.es, anna@müller.de, 用户@例子.广告): their
parts are letters and digits of any script, with the combining marks that accents typed as
separate characters and the vowel signs of Indic and South-East Asian scripts are made of.
"""

from __future__ import annotations

import re
from typing import Any

from bot.phone_numbers import mask_phone_numbers

EMAIL_MASK = "[email]"

_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff"
    "\u0900-\u0dff\u0e00-\u0eff\u0f18-\u0fbc\u1000-\u109f\u17b4-\u17d3\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u200c\u200d\u20d0-\u20ff\u2de0-\u2dff\u3099\u309a\ufe20-\ufe2f"
)
_LOCAL = rf"[\w.%+\-'{_MARKS}]"
_LABEL = rf"[\w\-{_MARKS}]+"
_TOP_LEVEL = rf"(?:[^\W\d_]|[{_MARKS}]){{2,}}"
_EMAIL = re.compile(rf"(?<!{_LOCAL}){_LOCAL}+@{_LABEL}(?:\.{_LABEL})*\.{_TOP_LEVEL}")


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
