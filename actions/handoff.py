"""`action_handoff`: a person takes over, the bot says so plainly and goes quiet."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.service_action import ServiceAction, conversation_channel, customer_display
from bot.handoff.escalation import REASON_ASKED, EscalationDecision, customer_turns_since_handoff, decide
from bot.transcript import transcript_from_events


class ActionHandoff(ServiceAction):
    """Records the handoff with its transcript, notifies agents, tells the customer, pauses the bot."""

    def name(self) -> str:
        """Action name used in the domain and by `HandoffPolicy`."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Open the handoff and pause the conversation."""
        decision = decide(
            customer_turns_since_handoff(tracker.events), self.services.settings.frustration.threshold
        )
        if not decision.handoff:
            decision = EscalationDecision(True, REASON_ASKED, decision.score, decision.signals)
        started = self.services.handoff_service.start(
            conversation_id=tracker.sender_id,
            channel=conversation_channel(tracker),
            customer=customer_display(tracker),
            decision=decision,
            transcript=transcript_from_events(tracker.events),
        )
        dispatcher.utter_message(text=started.customer_message)
        return [ConversationPaused()]
