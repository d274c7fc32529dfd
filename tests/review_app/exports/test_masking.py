"""Tests for review_app/exports/masking.py: fixed vectors of what is masked and what stays readable."""

from __future__ import annotations

import pytest

from bot.phone_numbers import is_phone_number
from review_app.exports.masking import mask_data, mask_text


@pytest.mark.parametrize("text, expected", [
    ("call me on +44 7700 900123", "call me on [phone]"),
    ("or 07700 900123 after six", "or [phone] after six"),
    ("US: (555) 123-4567.", "US: [phone]."),
    ("555-123-4567", "[phone]"),
    ("555.123.4567", "[phone]"),
    ("+447700900123", "[phone]"),
    ("tel:+1 (415) 555-2671!", "tel:[phone]!"),
    ("mail jane.doe+shop@example.co.uk now", "mail [email] now"),
    ("J.Bloggs@Example.COM", "[email]"),
    ("both 020 7946 0958 and a@b.io", "both [phone] and [email]"),
    ("from abroad 0044 20 7946 0958", "from abroad [phone]"),
    ("mail jane_doe@example.com or o'brien@example.ie", "mail [email] or [email]"),
])
def test_masks_phone_numbers_and_emails(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", [
    "my order 113542617735902 is late",
    "where is order #55213",
    "order A-10442",
    "on 2026-11-25 at 10:30",
    "it costs 1299.99",
    "I paid 1000 2000 3000 4000",
    "version 3.1",
    "",
])
def test_leaves_order_numbers_dates_and_prices_alone(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize("address", [
    "josé@correo.es", "anna@müller.de", "zoë.müller@example.de", "zoe\u0308.mu\u0308ller@exa\u0308mple.de",
    "Dörte@Sörensen.example.com", "коля@пример.рф", "θσερ@εχαμπλε.ψομ", "用户@例子.广告", "अजय@डाटा.भारत",
    "संपर्क@डाटामेल.भारत", "ทีเอชนิค@ยูเอเชีย.ไทย", "مستخدم@مثال.موقع",
])
def test_masks_internationalised_email_addresses_whole(address: str) -> None:
    assert mask_text(f"write to {address}, thanks") == "write to [email], thanks"


@pytest.mark.parametrize("text", [
    "Straße 5, zoë", "meet @ 5pm", "@josé_m said hi", "root@localhost", "3 for 5@10.00", "tracking RM778812345GB",
    "order 00123842", "parcel 00340434161094042557", "ça coûte 89,00 € — d’accord?",
])
def test_leaves_ordinary_unicode_text_and_the_shops_numbers_alone(text: str) -> None:
    assert mask_text(text) == text


def test_phone_rule_needs_plus_leading_zero_or_groups() -> None:
    assert is_phone_number("+4477009001")
    assert is_phone_number("07700900123")
    assert is_phone_number("555 123 4567")
    assert not is_phone_number("5551234567")
    assert not is_phone_number("+1234")


def test_mask_data_masks_every_string_in_nested_values() -> None:
    data = {"id": "H-1", "customer": "+447700900123", "lines": [{"text": "mail a@b.io", "score": 0.5}], "n": 3}
    assert mask_data(data) == {"id": "H-1", "customer": "[phone]", "lines": [{"text": "mail [email]", "score": 0.5}], "n": 3}
    assert data["customer"] == "+447700900123"
