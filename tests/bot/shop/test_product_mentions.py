"""`bot.shop.product_mentions`: every product a message names, and the item in "do you sell X", not a word
that refers back."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.services import SHOP_DATA
from bot.shop.catalogue import Catalogue
from bot.shop.product_mentions import asked_for_item, products_named


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


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The shop's real catalogue file."""
    return Catalogue.from_yaml(SHOP_DATA / "catalogue.yml")


@pytest.mark.parametrize(
    ("text", "mentions", "names"),
    [
        ("how much are the aura smart speaker and the volt power bank?", ["aura smart speaker", "volt power bank"],
         ["Aura Smart Speaker", "Volt Power Bank"]),
        ("how much are the aura smart speaker and the volt power bank?", [],
         ["Aura Smart Speaker", "Volt Power Bank"]),
        ("and that one?", ["lumen lamp"], ["Lumen Desk Lamp"]),
        ("the lamp and the aura", ["aura", "lamp", "desk lamp"], ["Lumen Desk Lamp", "Aura Smart Speaker"]),
        ("do you sell the hoverboard", ["hoverboard"], []),
    ],
    ids=["entities-and-text", "text-only", "entity-only", "each-once", "nothing-we-sell"],
)
def test_products_named_in_the_order_named_each_once(
    catalogue: Catalogue, text: str, mentions: List[str], names: List[str]
) -> None:
    assert [product.name for product in products_named(catalogue, text, mentions)] == names
