"""Tests for bot/shop/catalogue.py: finding products by name, synonym, typo and inside a message."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from bot.services import SHOP_DATA
from bot.shop.catalogue import Catalogue, Product
from tests.builders import EMOJI_ONLY_TEXT, LONG_TEXT


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The shop's real catalogue file."""
    return Catalogue.from_yaml(SHOP_DATA / "catalogue.yml")


def product(**overrides: object) -> Product:
    """A product with plain defaults."""
    values: dict = dict(
        id="p", name="Test Thing", synonyms=(), price=10.0, availability="in_stock", facts=("Small", "Blue")
    )
    values.update(overrides)
    return Product(**values)


@pytest.mark.parametrize(
    ("mention", "product_id"),
    [
        ("Aura Smart Speaker", "aura-speaker"),
        ("smart speaker", "aura-speaker"),
        ("AURA-SPEAKER!!", "aura-speaker"),
        ("aura spekaer", "aura-speaker"),
        ("brewmaster", "brew-coffee"),
        ("  nimbus pro  ", "nimbus-pro"),
    ],
)
def test_find_by_name_synonym_punctuation_or_typo(catalogue: Catalogue, mention: str, product_id: str) -> None:
    found = catalogue.find(mention)

    assert found is not None and found.id == product_id


@pytest.mark.parametrize("mention", ["hoverboard", "", "   ", "!!!", EMOJI_ONLY_TEXT, "aurora", "aurora kettle"])
def test_find_returns_none_for_unknown_or_empty_mentions(catalogue: Catalogue, mention: str) -> None:
    assert catalogue.find(mention) is None


@pytest.mark.parametrize(
    ("text", "product_id"),
    [
        ("how much is the aura speaker?", "aura-speaker"),
        ("is the nimbus pro in stock", "nimbus-pro"),
        ("do you have the aura spekaer", "aura-speaker"),
        ("a canvs tablet please", "canvas-tablet"),
        ("my over-ear headphones broke", "nimbus-pro"),
    ],
)
def test_find_in_text_finds_the_product_mentioned(catalogue: Catalogue, text: str, product_id: str) -> None:
    found = catalogue.find_in_text(text)

    assert found is not None and found.id == product_id


@pytest.mark.parametrize(
    "text", ["how much is the aurora kettle?", "do you sell the pulsar hoverboard", "price of the zenith e-bike"]
)
def test_find_in_text_does_not_mistake_another_word_for_a_product_name(catalogue: Catalogue, text: str) -> None:
    """Seen in a newcomer's chat: "aurora" is close to "aura" by spelling, so a kettle got the
    speaker's price. Two extra letters make another word, not a typo."""
    assert catalogue.find_in_text(text) is None


def test_find_in_text_prefers_the_longest_phrase(catalogue: Catalogue) -> None:
    # "nimbus" alone is the earbuds; "nimbus pro" is the headphones.
    found = catalogue.find_in_text("nimbus pro")

    assert found is not None and found.id == "nimbus-pro"


@pytest.mark.parametrize(
    "text",
    ["I want to complain about my order", "where is my parcel", "This is the THIRD time!!!",
     "", EMOJI_ONLY_TEXT, LONG_TEXT],
    ids=["complaint", "parcel", "shouting", "empty", "emoji-only", "20kB"],
)
def test_find_in_text_names_no_product_in_messages_without_one(catalogue: Catalogue, text: str) -> None:
    assert catalogue.find_in_text(text) is None


@pytest.mark.parametrize(
    ("text", "product_ids"),
    [
        ("how much are the aura smart speaker and the volt power bank?", ["aura-speaker", "volt-powerbank"]),
        ("is the power bank in stock, and the aura speaker?", ["volt-powerbank", "aura-speaker"]),
        ("the brewmster, the lamp or the canvs tablet", ["brew-coffee", "lumen-lamp", "canvas-tablet"]),
        ("nimbus pro headphones or nimbus earbuds?", ["nimbus-pro", "nimbus-earbuds"]),
        ("the volt power bank, or is the powerbank too heavy? the volt!", ["volt-powerbank"]),
        ("the aurora kettle and the lamp", ["lumen-lamp"]),
        ("where is my parcel", []),
        (LONG_TEXT + " It was the Zephyr air purifier and the volt.", ["zephyr-purifier", "volt-powerbank"]),
    ],
    ids=["two", "order-named", "typos-among-exact", "longest-phrase", "named-thrice", "not-a-product", "none",
         "end-of-long-message"],
)
def test_find_all_in_text_finds_every_product_in_the_order_named_each_once(
    catalogue: Catalogue, text: str, product_ids: List[str]
) -> None:
    assert [found.id for found in catalogue.find_all_in_text(text)] == product_ids


def test_a_product_named_at_the_end_of_a_long_message_is_found(catalogue: Catalogue) -> None:
    found = catalogue.find_in_text(LONG_TEXT + " It was the Zephyr air purifier.")

    assert found is not None and found.id == "zephyr-purifier"


def test_aliases_list_every_lower_cased_name_and_synonym(catalogue: Catalogue) -> None:
    aliases = catalogue.aliases()

    assert "aura smart speaker" in aliases and "robot hoover" in aliases
    assert aliases == sorted(aliases)
    assert all(alias == alias.lower() for alias in aliases)


def test_every_catalogue_product_has_a_price_and_known_availability(catalogue: Catalogue) -> None:
    assert len(catalogue.products) >= 10
    for item in catalogue.products:
        assert item.price > 0
        assert item.availability in ("in_stock", "low_stock", "out_of_stock")
        assert item.facts


def test_describe_gives_price_stock_and_facts() -> None:
    assert product().describe() == "The Test Thing costs £10.00 and is in stock. Small; Blue."


def test_describe_out_of_stock_says_when_it_is_back() -> None:
    text = product(availability="out_of_stock", restock="next week").describe()

    assert "is out of stock (back next week)" in text


def test_describe_low_stock_warns_few_left() -> None:
    assert "only a few left" in product(availability="low_stock").describe()


def test_first_product_keeps_a_shared_alias(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yml"
    path.write_text(
        "products:\n"
        "  - {id: a, name: Alpha, synonyms: [gadget], price: 1}\n"
        "  - {id: b, name: Beta, synonyms: [gadget], price: 2}\n",
        encoding="utf-8",
    )

    loaded = Catalogue.from_yaml(path)

    assert loaded.find("gadget").id == "a"
    assert loaded.find("beta").availability == "in_stock"
