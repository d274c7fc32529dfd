"""`bot.shop.product_mentions`: the item in "do you sell X", not a word that refers back."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.shop.product_mentions import asked_for_item


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("do you sell phones?", "phones"),
        ("Do you have any laptops in stock", "laptops"),
        ("hi, does brightway stock e-bikes at all", "e-bikes"),
        ("do you have it in black?", None),
        ("do you sell those?", None),
        ("how much is the lamp", None),
        ("do you sell 4k tvs", None),
        ("", None),
    ],
)
def test_asked_for_item(text: str, item: Optional[str]) -> None:
    assert asked_for_item(text) == item
