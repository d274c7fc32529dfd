"""`action_answer_product`: price, stock and key facts from the catalogue."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_action import ServiceAction
from bot.shop.catalogue import Product
from bot.shop.product_mentions import asked_for_item, products_named


def answer_products(dispatcher: CollectingDispatcher, products: Sequence[Product]) -> List[EventType]:
    """Describe every product in one reply, in the order given; only a single product is remembered
    for a follow-up ("is it in stock?"), since after two "it" could be either."""
    dispatcher.utter_message(text="\n".join(product.describe() for product in products))
    remembered = products[0].name if len(products) == 1 else None
    return [SlotSet("product", remembered), SlotSet("awaiting", None)]


class ActionAnswerProduct(ServiceAction):
    """Answers a product question, resolving names with synonyms and fuzzy matching."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_answer_product"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Describe every product mentioned now (or, for a follow-up naming nothing, the one discussed
        earlier); an item we don't sell ("do you sell phones?") is named and the range listed."""
        catalogue = self.services.catalogue
        text = tracker.latest_message.get("text") or ""
        mentions = list(tracker.get_latest_entity_values("product"))
        products = products_named(catalogue, text, mentions)
        if products:
            return answer_products(dispatcher, products)
        unknown = mentions[0] if mentions else asked_for_item(text)
        if unknown:
            dispatcher.utter_message(
                text=f"I couldn't find \"{unknown}\" in our range. We sell: "
                + ", ".join(p.name for p in catalogue.products)
                + ". Which one do you mean?"
            )
            return [SlotSet("awaiting", "product")]
        remembered = tracker.get_slot("product")
        product = catalogue.find(remembered) if remembered else None
        if product is None:
            dispatcher.utter_message(
                text="Which product is it about? We sell: "
                + ", ".join(p.name for p in catalogue.products)
                + "."
            )
            return [SlotSet("awaiting", "product")]
        return answer_products(dispatcher, [product])
