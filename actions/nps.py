"""NPS: asked once per conversation once the bot has helped, never twice in the cooldown; the score
and, after a low one, the customer's reason recorded."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.types import DomainDict

from actions.service_action import ServiceAction, conversation_channel
from bot.handoff.escalation import HANDOFF_ACTION, customer_turns_since_handoff, decide
from bot.nps_answer import awaits_nps_score, parse_nps_score
from bot.records.nps_store import NpsStore

# Customer intents that ask the bot for nothing: answering only these is not help worth a score.
SMALL_TALK_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "nps_score", "out_of_scope",
     "request_human", "nlu_fallback"}
)
# Bot actions that answer nothing: listening, handing over to a person, Rasa's "not sure" fallback.
NOT_ANSWERS = frozenset({"action_listen", HANDOFF_ACTION, "action_default_fallback"})
LOW_SCORE_MAX = 6


def has_answered_a_request(events: Iterable[Mapping[str, Any]]) -> bool:
    """True once the bot has answered a customer message that asked for something (not small talk),
    so "thanks" or "bye" as a first message, or after a mere greeting, is not asked for a score."""
    asked = False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            asked = bool(intent) and intent not in SMALL_TALK_INTENTS
        elif kind == "action" and asked and event.get("name") not in NOT_ANSWERS:
            return True
    return False


def ask_nps_if_allowed(nps: NpsStore, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Ask the NPS question unless this conversation or customer was asked recently."""
    if tracker.get_slot("nps_asked") or not nps.may_ask(tracker.sender_id):
        return []
    nps.record_ask(tracker.sender_id, tracker.sender_id)
    dispatcher.utter_message(response="utter_nps_question")
    return [SlotSet("nps_asked", True)]


def nps_reason_cleared() -> List[EventType]:
    """Forget the low score's follow-up, so no later message is taken for its reason."""
    return [SlotSet("nps_reason", None), SlotSet("nps_low_score", None)]


def nps_reason_abandoned(tracker: Tracker) -> List[EventType]:
    """Stop asking for a reason the conversation moved away from (a person took over meanwhile)."""
    if not tracker.active_loop_name:
        return []
    return [ActiveLoop(None), SlotSet("requested_slot", None), *nps_reason_cleared()]


class ActionAskNps(ServiceAction):
    """Asks the NPS question once the bot has helped, if this conversation and customer haven't
    been asked recently (the goodbye itself is a response of its own in the rules)."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_ask_nps"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Ask, or say nothing when the bot has answered no request yet or asking would be too often."""
        if not has_answered_a_request(tracker.events):
            return []
        return ask_nps_if_allowed(self.services.nps, dispatcher, tracker)


class ActionRecordNps(ServiceAction):
    """Stores a 0-10 answer; `nps_low_score` (set on every path) tells the rules whether to ask why."""

    def name(self) -> str:
        """Action name in the domain."""
        return "action_record_nps"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Parse the score; ask again in plain words when it isn't a 0-10 number.

        A bare number that answers no waiting NPS question ("1" as a first message, or a "2" typed
        after the score was given or the talk moved on) is not an NPS answer: recording it would put
        a score nobody gave in the leads' NPS, so the bot says it did not get it instead.
        """
        if not awaits_nps_score(tracker.events):
            dispatcher.utter_message(response="utter_please_rephrase")
            return [SlotSet("nps_low_score", False)]
        score = parse_nps_score(tracker.latest_message.get("text") or "")
        if score is None:
            dispatcher.utter_message(
                text="Sorry, I need a single number from 0 (not at all likely) to 10 (extremely likely)."
            )
            return [SlotSet("nps_low_score", False)]
        self.services.nps.record_score(
            customer_key=tracker.sender_id,
            conversation_id=tracker.sender_id,
            channel=conversation_channel(tracker),
            score=score,
        )
        if score <= LOW_SCORE_MAX:
            dispatcher.utter_message(text=f"Thanks for the {score}.")
        else:
            dispatcher.utter_message(text=f"Thanks for the {score}! That means a lot to the team.")
        return [SlotSet("nps_asked", True), SlotSet("nps_low_score", score <= LOW_SCORE_MAX)]


class ValidateNpsReasonForm(ServiceAction, FormValidationAction):
    """Keeps the reason for a low score word for word; a blank message is asked again, and a
    message that calls for a person is no reason at all: the handoff takes it."""

    def name(self) -> Text:
        """The validation action Rasa runs for `nps_reason_form`."""
        return "validate_nps_reason_form"

    def validate_nps_reason(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Optional[str]]:
        """Any text with something in it is the reason; nothing but spaces is no answer.

        Rasa lets an active form outrank every policy, `HandoffPolicy` too, so the form is rejected
        for a message that asks for a person or is too frustrating (the decision `action_handoff`
        makes), and the policies then hand the customer over.
        """
        threshold = self.services.settings.frustration.threshold
        if decide(customer_turns_since_handoff(tracker.events), threshold).handoff:
            raise ActionExecutionRejection(self.name(), "The customer needs a person, not the NPS question.")
        text = slot_value if isinstance(slot_value, str) else ""
        return {"nps_reason": text if text.strip() else None}


class ActionRecordNpsReason(ServiceAction):
    """Passes the answer to "what should we do better?" to the team as feedback."""

    def name(self) -> str:
        """Action name in the domain, run when `nps_reason_form` has its answer."""
        return "action_record_nps_reason"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Record the reason in the feedback store (beside the score, by conversation) and thank.

        Whatever the customer writes next is the reason, even a question about something else: the
        bot promised to pass it on, and answering a complaint like "your delivery is slow" with the
        delivery policy would ignore it; the customer can ask again. Only a goodbye is not feedback
        and gets a goodbye. A request for a person or a frustrated reply never gets here: the form's
        validation rejects it for the handoff, and `action_bot_back` drops the question afterwards.
        """
        if (tracker.latest_message.get("intent") or {}).get("name") == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
            return nps_reason_cleared()
        self.services.feedback.record(
            conversation_id=tracker.sender_id,
            channel=conversation_channel(tracker),
            text=tracker.get_slot("nps_reason") or tracker.latest_message.get("text") or "",
        )
        dispatcher.utter_message(response="utter_feedback_thanks")
        return nps_reason_cleared()
