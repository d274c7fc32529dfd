"""Tests for actions/products.py: product answers from the real catalogue."""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import pytest

from actions.products import ActionAnswerProduct
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, ActionOutcome, entity, run_action, tracker_for_message


def ask_about(services: Services, domain: Dict[str, Any], text: str, products: Sequence[str] = (),
              slots: Optional[Dict[str, Any]] = None) -> ActionOutcome:
    """Run `action_answer_product` on a product question, with a `product` entity for each of `products`."""
    entities = [entity("product", product) for product in products]
    tracker = tracker_for_message(text, "product_question", entities=entities, slots=slots)
    return run_action(ActionAnswerProduct(services), tracker, domain)


def test_the_product_entity_gets_price_stock_and_facts(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "how much is the smart speaker", products=["smart speaker"])

    [reply] = outcome.texts
    assert reply.startswith("The Aura Smart Speaker costs £89.00 and is in stock.")
    assert "Bluetooth 5.3" in reply
    assert (outcome.slot("product"), outcome.slot("awaiting")) == ("Aura Smart Speaker", None)


SPEAKER = "The Aura Smart Speaker costs £89.00 and is in stock."
POWER_BANK = "The Volt Power Bank costs £35.00 and is in stock."
COFFEE_MAKER = "The Brew Master Coffee Maker costs £129.00 and is in stock, but only a few left."


def test_two_products_in_one_question_are_both_answered_in_one_reply(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    """Seen by a tester: only the speaker's price came back."""
    outcome = ask_about(shop_services, domain_dict, "how much are the aura smart speaker and the volt power bank?",
                        products=["aura smart speaker", "volt power bank"])

    [reply] = outcome.texts
    assert reply.index(SPEAKER) < reply.index(POWER_BANK)
    assert "Bluetooth 5.3" in reply and "20,000 mAh" in reply
    assert (outcome.slot("product"), outcome.slot("awaiting")) == (None, None)


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [("is the power bank in stock, and the aura speaker?", POWER_BANK, SPEAKER),
     ("price of the brewmster and the volt", COFFEE_MAKER, POWER_BANK)],
    ids=["in-the-order-named", "one-misspelt"],
)
def test_products_are_answered_in_the_order_the_customer_named_them(
    shop_services: Services, domain_dict: Dict[str, Any], text: str, first: str, second: str
) -> None:
    [reply] = ask_about(shop_services, domain_dict, text).texts

    assert reply.index(first) < reply.index(second)


def test_a_product_named_twice_is_answered_once(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "the volt power bank - is the power bank cheaper than the aura?",
                        products=["volt power bank", "power bank", "aura"])

    [reply] = outcome.texts
    assert reply.count(POWER_BANK) == 1 and reply.count(SPEAKER) == 1
    assert reply.index(POWER_BANK) < reply.index(SPEAKER)


def test_a_misspelt_product_in_the_text_is_found(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "is the canvs tablet any good")

    assert outcome.texts[0].startswith(
        "The Canvas Tablet 10 costs £249.00 and is out of stock (back early next month)."
    )


def test_an_unknown_product_is_named_and_the_range_listed(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "do you sell the hoverboard", products=["hoverboard"])

    [reply] = outcome.texts
    assert reply.startswith('I couldn\'t find "hoverboard" in our range. We sell: Aura Smart Speaker, ')
    assert reply.endswith("Which one do you mean?")
    assert outcome.slot("awaiting") == "product"


def test_a_follow_up_question_uses_the_product_from_earlier(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    outcome = ask_about(shop_services, domain_dict, "is it in stock?", slots={"product": "Pulse Fitness Watch"})

    assert "Pulse Fitness Watch costs £149.00 and is in stock, but only a few left" in outcome.texts[0]


@pytest.mark.parametrize("text", ["do you sell phones?", "Do you have any laptops in stock", "do u carry e-bikes"])
def test_asking_for_an_item_we_dont_sell_never_answers_with_the_product_from_earlier(
    shop_services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    outcome = ask_about(shop_services, domain_dict, text, slots={"product": "Lumen Desk Lamp"})

    [reply] = outcome.texts
    assert reply.startswith("I couldn't find \"") and "in our range. We sell: " in reply
    assert "£45.00" not in reply
    assert outcome.slot("awaiting") == "product"


def test_do_you_have_it_still_refers_to_the_product_from_earlier(
    shop_services: Services, domain_dict: Dict[str, Any]
) -> None:
    outcome = ask_about(shop_services, domain_dict, "do you have it in stock?", slots={"product": "Pulse Fitness Watch"})

    assert outcome.texts[0].startswith("The Pulse Fitness Watch costs £149.00")


def test_without_any_product_the_customer_is_asked_which(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "how much is it?")

    assert outcome.texts[0].startswith("Which product is it about? We sell: ")
    assert outcome.slot("awaiting") == "product"


@pytest.mark.parametrize("text", ODD_TEXTS, ids=ODD_TEXT_IDS)
def test_odd_messages_get_asked_which_product(shop_services: Services, domain_dict: Dict[str, Any], text: str) -> None:
    assert ask_about(shop_services, domain_dict, text).slot("awaiting") == "product"
