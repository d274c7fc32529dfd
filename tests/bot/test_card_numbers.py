"""Card numbers are masked before text enters Rasa (Luhn-valid, 13-19 digits, issuer digit 2-6)."""

from __future__ import annotations

import pytest

from bot.card_numbers import is_card_number, luhn_valid, mask_card_numbers

TEST_CARDS = [
    "4111111111111111",  # Visa
    "4012888888881881",  # Visa
    "4222222222222",  # Visa, 13 digits
    "5555555555554444",  # Mastercard
    "5105105105105100",  # Mastercard
    "2223003122003222",  # Mastercard 2-series
    "378282246310005",  # American Express
    "371449635398431",  # American Express
    "6011111111111117",  # Discover
    "6011000990139424",  # Discover
    "3530111333300000",  # JCB
    "30569309025904",  # Diners Club, 14 digits
    "6200000000000005",  # UnionPay
    "6011000000000000001",  # 19 digits
]


@pytest.mark.parametrize("number", TEST_CARDS)
def test_published_test_cards_pass_luhn_and_are_masked(number: str):
    assert luhn_valid(number)
    assert is_card_number(number)
    assert mask_card_numbers(f"my card is {number} ok") == f"my card is [card ending {number[-4:]}] ok"


@pytest.mark.parametrize("number", ["4111111111111112", "5555555555554445", "79927398710"])
def test_luhn_failures_and_short_numbers_stay(number: str):
    assert mask_card_numbers(number) == number


def test_luhn_reference_vector():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


def test_grouped_numbers_with_spaces_or_dashes_are_masked():
    assert mask_card_numbers("4111 1111 1111 1111") == "[card ending 1111]"
    assert mask_card_numbers("card: 4111-1111-1111-1111.") == "card: [card ending 1111]."
    assert mask_card_numbers("amex 3782 822463 10005") == "amex [card ending 0005]"


def test_order_numbers_and_phone_numbers_are_left_alone():
    for text in ["order 113542617735902", "order 15501234567890", "call +1 555 123 4567", "#55213", "A-10442"]:
        assert mask_card_numbers(text) == text


def test_a_card_after_other_digits_in_the_same_run_is_found():
    assert mask_card_numbers("ref 555 1234 4111111111111111") == "ref 555 1234 [card ending 1111]"


def test_several_cards_and_too_long_runs():
    assert mask_card_numbers("5555555555554444 and 4012888888881881") == (
        "[card ending 4444] and [card ending 1881]"
    )
    assert mask_card_numbers("41111111111111110000") == "41111111111111110000"


def test_empty_text():
    assert mask_card_numbers("") == ""
