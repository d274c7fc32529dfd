"""Policy answers in plain words, including what we can't do."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.orders import order_id_from
from actions.service_action import ServiceAction
from bot.clock import local_date
from bot.shop.orders import refund_answer


class ActionAnswerPolicy(ServiceAction):
    """Explains the policy a question is about, or lists the ones we can explain."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Find the policy by keywords and explain it."""
        book = self.services.policies
        policy = book.find_for_question(tracker.latest_message.get("text") or "")
        if policy is None:
            dispatcher.utter_message(
                text="I can explain our policies on " + ", ".join(book.topics())
                + ". Which one would you like?"
            )
            return []
        dispatcher.utter_message(text=policy.explain())
        return []


class ActionRefund(ServiceAction):
    """Answers refund requests: how refunds work, and the order's state when we know it."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_refund"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Explain what a refund means for a known order now (not shipped, return window open or
        closed, refund issued), else the general refund path."""
        refunds = self.services.policies.get("refunds")
        order_id = order_id_from(tracker, self.services.orders)
        order = self.services.orders.find(order_id) if order_id else None
        if order is not None:
            today = local_date(self.services.clock(), self.services.settings.handoff.timezone)
            answer = refund_answer(order, today)
            if answer is not None:
                dispatcher.utter_message(text=answer)
                return []
        steps = (
            "To get a refund, start a free return under Orders > Return in your account (within "
            "30 days of delivery). "
        )
        if refunds is not None:
            steps += f"{refunds.can} What we can't do: {refunds.cannot}"
        steps += " If something went wrong with your order, say \"talk to a person\" and we'll sort it out now."
        dispatcher.utter_message(text=steps)
        return []
