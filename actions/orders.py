"""Order actions: status and cancellation, answered from the order book."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_action import ServiceAction
from bot.clock import local_date
from bot.shop.orders import Order, OrderBook, first_known_order_id, not_received_answer, order_id_candidates, says_not_received


def order_id_from(tracker: Tracker, orders: OrderBook) -> Optional[str]:
    """The order id in the latest message (entity or shape; of several, the first `orders`
    knows), else the one given earlier."""
    candidates = order_id_candidates(
        tracker.get_latest_entity_values("order_id"), tracker.latest_message.get("text") or ""
    )
    return first_known_order_id(candidates, orders) or tracker.get_slot("order_id")


def unknown_order_message(order_id: str) -> str:
    """Honest answer when an id matches no order."""
    return (
        f"I can't find an order {order_id}. Could you check the number in your confirmation "
        "email? It looks like #55213 or A-10442. If it still doesn't work, say \"talk to a person\"."
    )


class ActionOrderStatus(ServiceAction):
    """Tells the customer where their order is (asking for the number when needed)."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Look the order up; a bare number after "cancel?" is handled as a cancellation."""
        if tracker.get_slot("awaiting") == "cancel_order":
            return await ActionCancelOrder(self._services).run(dispatcher, tracker, domain)
        order_id = order_id_from(tracker, self.services.orders)
        if order_id is None:
            dispatcher.utter_message(response="utter_ask_order_id")
            return [SlotSet("awaiting", "order_status")]
        order = self.services.orders.find(order_id)
        if order is None:
            dispatcher.utter_message(text=unknown_order_message(order_id))
            return [SlotSet("awaiting", "order_status")]
        if order.status == "delivered" and says_not_received(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(text=not_received_answer(order))
            return [SlotSet("order_id", order.id), SlotSet("awaiting", None)]
        today = local_date(self.services.clock(), self.services.settings.handoff.timezone)
        dispatcher.utter_message(text=order.describe(today))
        return [SlotSet("order_id", order.id), SlotSet("awaiting", None)]


class ActionCancelOrder(ServiceAction):
    """Says plainly whether an order can still be cancelled and how."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_cancel_order"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Check the order's state and explain what can be done now."""
        order_id = order_id_from(tracker, self.services.orders)
        if order_id is None:
            dispatcher.utter_message(
                text="I can help with that. What's the order number? It's in your confirmation email, e.g. #55213."
            )
            return [SlotSet("awaiting", "cancel_order")]
        order = self.services.orders.find(order_id)
        if order is None:
            dispatcher.utter_message(text=unknown_order_message(order_id))
            return [SlotSet("awaiting", "cancel_order")]
        dispatcher.utter_message(text=cancellation_answer(order))
        return [SlotSet("order_id", order.id), SlotSet("awaiting", None)]


def cancellation_answer(order: Order) -> str:
    """What cancelling means for this order, in plain words."""
    if order.can_be_cancelled:
        return (
            f"Order {order.id} hasn't shipped yet, so you can cancel it free: open Orders in your "
            "account and choose Cancel, and the refund goes back to your card within 2 working days. "
            "Or say \"talk to a person\" and we'll cancel it for you."
        )
    if order.status == "cancelled":
        return f"Order {order.id} is already cancelled. Refund: {order.refund or 'in progress'}."
    if order.status == "delivered":
        return (
            f"Order {order.id} was already delivered, so it can't be cancelled, but you can return it "
            "free within 30 days of delivery for a full refund (Orders > Return in your account)."
        )
    return (
        f"Order {order.id} has already left our warehouse, so we can't stop it. When it arrives you "
        "can return it free within 30 days for a full refund; there's no cancellation fee."
    )
