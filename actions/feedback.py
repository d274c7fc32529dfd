"""`action_record_feedback`: feedback is stored word for word and acknowledged."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.service_action import ServiceAction, conversation_channel


class ActionRecordFeedback(ServiceAction):
    """Records the customer's feedback."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Store the message and thank the customer."""
        self.services.feedback.record(
            conversation_id=tracker.sender_id,
            channel=conversation_channel(tracker),
            text=tracker.latest_message.get("text") or "",
        )
        dispatcher.utter_message(response="utter_feedback_thanks")
        return []
