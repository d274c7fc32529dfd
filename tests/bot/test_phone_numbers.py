"""`bot.phone_numbers`: one rule for exports and logs; logs also mask unbroken runs of digits."""

from __future__ import annotations

import pytest

from bot.phone_numbers import is_phone_number, mask_phone_numbers, may_be_phone_number


@pytest.mark.parametrize("text", [
    "2026-11-25 12:18", "1000 2000 3000", "113542617735902", "5551234567", "00123842", "00340434161094042557",
    "0001-01-01", "0000 1234 5678 90",
])
def test_dates_order_numbers_and_bare_digit_runs_are_not_phone_numbers(text: str) -> None:
    assert mask_phone_numbers(text) == text


@pytest.mark.parametrize("number", [
    "+44 7700 900123", "07700 900123", "(555) 123-4567", "1 555 123 4567", "0044 20 7946 0958", "00447700900123",
    "(0044) 7700 900123", "00 1 415 555 2671",
])
def test_plus_00_prefix_leading_zero_or_north_american_groups_are(number: str) -> None:
    assert is_phone_number(number)
    assert mask_phone_numbers(f"call {number} now") == "call [phone] now"


def test_logs_also_mask_an_unbroken_run_that_may_be_a_number_without_its_plus() -> None:
    assert not is_phone_number("15551234567")
    assert may_be_phone_number("15551234567")
    assert mask_phone_numbers("bad sender 15551234567", may_be_phone_number) == "bad sender [phone]"
    assert mask_phone_numbers("2026-11-25 12:18:49", may_be_phone_number) == "2026-11-25 12:18:49"
    assert mask_phone_numbers("took 1732536000.123 s", may_be_phone_number) == "took 1732536000.123 s"


def test_logs_mask_numbers_dialled_with_the_international_prefix_and_keep_order_ids() -> None:
    assert mask_phone_numbers("from 0044 20 7946 0958", may_be_phone_number) == "from [phone]"
    assert mask_phone_numbers("order 00123842", may_be_phone_number) == "order 00123842"
