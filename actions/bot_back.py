"""`action_bot_back`: the desk gives a conversation back; the bot says what really happened and
asks the NPS question only after a person helped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.nps import ask_nps_if_allowed, nps_reason_abandoned
from actions.service_action import ServiceAction
from bot.handoff.store import RESOLVED_BY_AUTO_CLOSE, RESOLVED_BY_CUSTOMER, Handoff


@dataclass(frozen=True)
class BotBack:
    """What the customer is told when the bot takes over again, and whether NPS may follow."""

    response: str
    asks_nps: bool


def bot_back_for(handoff: Optional[Handoff]) -> BotBack:
    """Words for how the handoff ended; NPS only when an agent handed back after replying.

    A row not resolved yet (the desk resolves it after running this action) counts as an agent's
    hand-back unless `resolved_by` says otherwise; without an agent reply there is nothing to rate.
    """
    resolved_by = handoff.resolved_by if handoff is not None else None
    if resolved_by == RESOLVED_BY_CUSTOMER:
        return BotBack("utter_bot_back_customer_left", asks_nps=False)
    if resolved_by == RESOLVED_BY_AUTO_CLOSE:
        return BotBack("utter_bot_back_auto_close", asks_nps=False)
    return BotBack("utter_bot_back", asks_nps=handoff is not None and handoff.first_human_reply_at is not None)


class ActionBotBack(ServiceAction):
    """After a handoff ends: the bot says how (agent, customer left, closed unanswered) and, after an
    agent's help, asks NPS once."""

    def name(self) -> str:
        """Action name the desk executes on resume."""
        return "action_bot_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Say what happened, drop a question the handoff interrupted, then ask NPS if it is due."""
        handoff = self.services.handoffs.latest_for_conversation(tracker.sender_id)
        back = bot_back_for(handoff)
        dispatcher.utter_message(response=back.response)
        events = nps_reason_abandoned(tracker)
        if back.asks_nps:
            events += ask_nps_if_allowed(self.services.nps, dispatcher, tracker)
        return events
