"""`action_log_complaint`: every complaint becomes a ticket with a reference for the customer."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.orders import order_id_from
from actions.service_action import ServiceAction, conversation_channel


class ActionLogComplaint(ServiceAction):
    """Logs the complaint as a ticket and gives the customer its reference."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_log_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Store the complaint text with any product or order mentioned."""
        text = tracker.latest_message.get("text") or ""
        product = self.services.catalogue.find_in_text(text)
        ticket = self.services.tickets.log(
            conversation_id=tracker.sender_id,
            channel=conversation_channel(tracker),
            text=text,
            product=product.name if product else None,
            order_id=order_id_from(tracker, self.services.orders),
        )
        dispatcher.utter_message(
            text=(
                f"I'm sorry about this. I've logged it as ticket {ticket.reference}, and the team "
                "reviews every ticket the same day. If you'd like a person to look at it right now, "
                "say \"talk to a person\"."
            )
        )
        return []
