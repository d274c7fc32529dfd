"""`action_answer_product`: price, stock and key facts from the catalogue."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_action import ServiceAction
from bot.shop.product_mentions import asked_for_item


class ActionAnswerProduct(ServiceAction):
    """Answers a product question, resolving names with synonyms and fuzzy matching."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_answer_product"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Describe the product mentioned now (or, for a follow-up naming nothing, the one discussed
        earlier); an item we don't sell ("do you sell phones?") is named and the range listed."""
        catalogue = self.services.catalogue
        text = tracker.latest_message.get("text") or ""
        mention = next(tracker.get_latest_entity_values("product"), None)
        product = (catalogue.find(mention) if mention else None) or catalogue.find_in_text(text)
        mention = mention or (asked_for_item(text) if product is None else None)
        if product is None and mention:
            dispatcher.utter_message(
                text=f"I couldn't find \"{mention}\" in our range. We sell: "
                + ", ".join(p.name for p in catalogue.products)
                + ". Which one do you mean?"
            )
            return [SlotSet("awaiting", "product")]
        if product is None:
            remembered = tracker.get_slot("product")
            product = catalogue.find(remembered) if remembered else None
        if product is None:
            dispatcher.utter_message(
                text="Which product is it about? We sell: "
                + ", ".join(p.name for p in catalogue.products)
                + "."
            )
            return [SlotSet("awaiting", "product")]
        dispatcher.utter_message(text=product.describe())
        return [SlotSet("product", product.name), SlotSet("awaiting", None)]
