"""NPS: asked once per conversation, never twice in the cooldown, and the answer recorded."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.service_action import ServiceAction, conversation_channel
from bot.nps_answer import parse_nps_score
from bot.records.nps_store import NpsStore


def ask_nps_if_allowed(nps: NpsStore, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Ask the NPS question unless this conversation or customer was asked recently."""
    if tracker.get_slot("nps_asked") or not nps.may_ask(tracker.sender_id):
        return []
    nps.record_ask(tracker.sender_id, tracker.sender_id)
    dispatcher.utter_message(response="utter_nps_question")
    return [SlotSet("nps_asked", True)]


class ActionAskNps(ServiceAction):
    """Asks the NPS question if this conversation and customer haven't been asked recently."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_nps"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Ask, or at goodbye just say goodbye when asking would be once too often."""
        events = ask_nps_if_allowed(self.services.nps, dispatcher, tracker)
        said_goodbye = (tracker.latest_message.get("intent") or {}).get("name") == "goodbye"
        if not events and said_goodbye:
            dispatcher.utter_message(response="utter_goodbye")
        return events


class ActionBotBack(ServiceAction):
    """After an agent hands the conversation back: the bot says so and asks NPS once."""

    def name(self) -> str:
        """Action name the desk executes on resume."""
        return "action_bot_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Announce the bot is back, then ask NPS if this customer may be asked."""
        dispatcher.utter_message(response="utter_bot_back")
        return ask_nps_if_allowed(self.services.nps, dispatcher, tracker)


class ActionRecordNps(ServiceAction):
    """Stores a 0-10 answer and, for low scores, asks what we could do better."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_record_nps"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Parse the score; ask again in plain words when it isn't a 0-10 number.

        A bare number nobody asked for ("1" as a first message) is not an NPS answer: recording it
        would put a detractor in the leads' NPS, so the bot says it did not get it instead.
        """
        if not tracker.get_slot("nps_asked"):
            dispatcher.utter_message(response="utter_please_rephrase")
            return []
        score = parse_nps_score(tracker.latest_message.get("text") or "")
        if score is None:
            dispatcher.utter_message(
                text="Sorry, I need a single number from 0 (not at all likely) to 10 (extremely likely)."
            )
            return []
        self.services.nps.record_score(
            customer_key=tracker.sender_id,
            conversation_id=tracker.sender_id,
            channel=conversation_channel(tracker),
            score=score,
        )
        if score <= 6:
            dispatcher.utter_message(
                text=f"Thanks for the {score}. What's the one thing we should do better? Tell me and I'll pass it on."
            )
        else:
            dispatcher.utter_message(text=f"Thanks for the {score}! That means a lot to the team.")
        return [SlotSet("nps_asked", True)]
