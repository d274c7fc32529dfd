"""Tests for actions/products.py: product answers from the real catalogue."""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import pytest

from actions.products import ActionAnswerProduct
from bot.services import Services
from tests.builders import ODD_TEXT_IDS, ODD_TEXTS, ActionOutcome, entity, run_action, tracker_for_message


def ask_about(services: Services, domain: Dict[str, Any], text: str, product: Optional[str] = None,
              slots: Optional[Dict[str, Any]] = None) -> ActionOutcome:
    """Run `action_answer_product` on a product question, with an optional `product` entity."""
    entities: Sequence[Dict[str, Any]] = [entity("product", product)] if product else []
    tracker = tracker_for_message(text, "product_question", entities=entities, slots=slots)
    return run_action(ActionAnswerProduct(services), tracker, domain)


def test_the_product_entity_gets_price_stock_and_facts(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "how much is the smart speaker", product="smart speaker")

    [reply] = outcome.texts
    assert reply.startswith("The Aura Smart Speaker costs £89.00 and is in stock.")
    assert "Bluetooth 5.3" in reply
    assert (outcome.slot("product"), outcome.slot("awaiting")) == ("Aura Smart Speaker", None)


def test_a_misspelt_product_in_the_text_is_found(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "is the canvs tablet any good")

    assert outcome.texts[0].startswith(
        "The Canvas Tablet 10 costs £249.00 and is out of stock (back early next month)."
    )


def test_an_unknown_product_is_named_and_the_range_listed(shop_services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask_about(shop_services, domain_dict, "do you sell the hoverboard", product="hoverboard")

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
