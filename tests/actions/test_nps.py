"""Tests for actions/nps.py: asked once the bot has helped, never twice within the cooldown, answers
and the reason for a low score recorded."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
from rasa_sdk.interfaces import ActionExecutionRejection
from sqlalchemy.engine import Engine

from actions.nps import ActionAskNps, ActionRecordNps, ActionRecordNpsReason, ValidateNpsReasonForm
from bot.services import Services
from tests.builders import (
    LONG_TEXT,
    ActionOutcome,
    Event,
    ManualClock,
    action_event,
    bot_event,
    bot_replies,
    customer_says,
    run_action,
    sdk_tracker,
    session_start,
    tracker_for_message,
)
from tests.recorded_scores import scores_for_conversation

HANDOFF = "action_handoff"
REJECTION = "Sorry, I need a single number from 0 (not at all likely) to 10 (extremely likely)."
ANSWERED = [
    *customer_says("where is #55213", "order_status"), *bot_replies("Order 55213 is packed.", "action_order_status"),
]


def ask(services: Services, domain: Dict[str, Any], sender_id: str = "customer-1", intent: str = "thank",
        nps_asked: bool = False, history: Sequence[Event] = ANSWERED) -> ActionOutcome:
    """Run `action_ask_nps` after a customer message with `intent` (by default once a request was answered)."""
    tracker = tracker_for_message(
        "thanks, bye", intent, sender_id=sender_id, slots={"nps_asked": nps_asked}, history=history
    )
    return run_action(ActionAskNps(services), tracker, domain)


def logged_message(message: Dict[str, Any], domain: Dict[str, Any]) -> Event:
    """A message an action dispatched, as Rasa logs it: a response by name becomes its domain text,
    with the response's name in `utter_action`."""
    response = message.get("response")
    if not response:
        return {**bot_event(message["text"]), "metadata": {}}
    return {**bot_event(domain["responses"][response][0]["text"]), "metadata": {"utter_action": response}}


def logged_run(action: str, outcome: ActionOutcome, domain: Dict[str, Any]) -> List[Event]:
    """What Rasa logs after `action` ran: the action, its messages, the events it returned, then listening."""
    messages = [logged_message(message, domain) for message in outcome.messages]
    return [action_event(action), *messages, *outcome.events, action_event("action_listen")]


def slot_value(history: Sequence[Event], name: str) -> Any:
    """The value the events of `history` last set slot `name` to, as Rasa's tracker holds it."""
    values = [event["value"] for event in history if event.get("event") == "slot" and event.get("name") == name]
    return values[-1] if values else None


def nps_question(services: Services, domain: Dict[str, Any]) -> List[Event]:
    """A conversation up to the NPS question: a request answered, a thank-you, `action_ask_nps` asking."""
    thanked = [*ANSWERED, *customer_says("thanks!", "thank"), action_event("utter_youre_welcome"),
               bot_event("You're welcome! Anything else I can do?")]
    outcome = run_action(ActionAskNps(services), sdk_tracker([*session_start(), *thanked]), domain)
    assert outcome.responses == ["utter_nps_question"]
    return [*thanked, *logged_run("action_ask_nps", outcome, domain)]


def reply(
    services: Services, domain: Dict[str, Any], history: Sequence[Event], text: str
) -> Tuple[ActionOutcome, List[Event]]:
    """The customer sends `text` (NLU: `nps_score`) after `history`; run `action_record_nps` as the
    rules do and return what it did and the conversation after it."""
    slots = {"nps_asked": slot_value(history, "nps_asked") or False}
    tracker = tracker_for_message(text, "nps_score", history=history, slots=slots, channel="sms")
    outcome = run_action(ActionRecordNps(services), tracker, domain)
    return outcome, [*history, *customer_says(text, "nps_score"), *logged_run("action_record_nps", outcome, domain)]


def answer(services: Services, domain: Dict[str, Any], text: str, asked: bool = True) -> ActionOutcome:
    """Run `action_record_nps` on the customer's answer `text`, right after the NPS question (or,
    with `asked=False`, after an answered request and no question)."""
    history = nps_question(services, domain) if asked else ANSWERED
    return reply(services, domain, history, text)[0]


def test_the_question_is_asked_and_remembered(services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask(services, domain_dict)

    assert outcome.responses == ["utter_nps_question"]
    assert outcome.slot("nps_asked") is True
    assert services.nps.may_ask("customer-1") is False


def test_not_asked_twice_in_one_conversation(services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = ask(services, domain_dict, nps_asked=True)

    assert outcome.messages == [] and outcome.events == []


def test_not_asked_again_within_24_hours_even_in_a_new_conversation(
    services: Services, domain_dict: Dict[str, Any], clock: ManualClock
) -> None:
    ask(services, domain_dict)
    clock.advance(hours=23)

    outcome = ask(services, domain_dict)

    assert outcome.messages == [] and outcome.events == []


def test_at_goodbye_the_action_only_asks_the_goodbye_is_the_rules(
    services: Services, domain_dict: Dict[str, Any], clock: ManualClock
) -> None:
    first = ask(services, domain_dict, intent="goodbye")
    clock.advance(hours=2)

    again = ask(services, domain_dict, intent="goodbye")

    assert first.responses == ["utter_nps_question"]
    assert again.messages == [] and again.events == []


@pytest.mark.parametrize(
    "history",
    [
        [],
        [*customer_says("hi", "greet"), *bot_replies("Hi! I'm Brightway's assistant.", "utter_greet")],
        [*customer_says("what's the weather", "out_of_scope"), *bot_replies("That's outside...", "utter_out_of_scope")],
        [*customer_says("asdfgh", "nlu_fallback"), *bot_replies("Sorry, I didn't get that.", "utter_please_rephrase")],
        [*customer_says("where is my order!!!", "order_status"), *bot_replies("I'm handing you over.", HANDOFF)],
    ],
    ids=["first-message", "after-a-greeting", "out-of-scope", "not-understood", "handed-over"],
)
@pytest.mark.parametrize("intent", ["thank", "goodbye"])
def test_not_asked_before_the_bot_has_answered_a_request(
    services: Services, domain_dict: Dict[str, Any], history: List[Event], intent: str
) -> None:
    outcome = ask(services, domain_dict, intent=intent, history=history)

    assert outcome.messages == [] and outcome.events == []
    assert services.nps.may_ask("customer-1") is True


def test_asked_again_after_the_cooldown(services: Services, domain_dict: Dict[str, Any], clock: ManualClock) -> None:
    ask(services, domain_dict)
    clock.advance(hours=24, minutes=1)

    assert ask(services, domain_dict).responses == ["utter_nps_question"]


def test_the_cooldown_is_per_customer(services: Services, domain_dict: Dict[str, Any]) -> None:
    ask(services, domain_dict, sender_id="alice")

    assert ask(services, domain_dict, sender_id="bob").responses == ["utter_nps_question"]


@pytest.mark.parametrize(("text", "score"), [("9", 9), ("10/10", 10), ("a solid eight", 8)])
def test_a_high_score_is_recorded_and_thanked(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str, score: int
) -> None:
    outcome = answer(services, domain_dict, text)

    assert scores_for_conversation(engine, "customer-1") == [score]
    assert outcome.texts == [f"Thanks for the {score}! That means a lot to the team."]
    assert outcome.slot("nps_asked") is True
    assert outcome.slot("nps_low_score") is False


@pytest.mark.parametrize("text", ["0", "3", "6"])
def test_a_low_score_is_recorded_and_marked_so_the_rules_ask_what_to_improve(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str
) -> None:
    outcome = answer(services, domain_dict, text)

    assert scores_for_conversation(engine, "customer-1") == [int(text)]
    assert outcome.texts == [f"Thanks for the {text}."]
    assert outcome.slot("nps_low_score") is True


@pytest.mark.parametrize("text", ["11", "-1", "7 or 8", "great", "", "👍", LONG_TEXT],
                         ids=["eleven", "negative", "two-numbers", "words", "empty", "emoji-only", "20kB"])
def test_anything_but_a_single_0_to_10_score_is_asked_again_and_not_stored(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str
) -> None:
    outcome = answer(services, domain_dict, text)

    assert outcome.texts == [REJECTION]
    assert outcome.events == [{"event": "slot", "timestamp": None, "name": "nps_low_score", "value": False}]
    assert scores_for_conversation(engine, "customer-1") == []


@pytest.mark.parametrize("text", ["1", "9", "1️⃣"])
def test_a_number_nobody_asked_for_is_not_an_nps_answer(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str
) -> None:
    outcome = answer(services, domain_dict, text, asked=False)

    assert outcome.responses == ["utter_please_rephrase"]
    assert outcome.events == [{"event": "slot", "timestamp": None, "name": "nps_low_score", "value": False}]
    assert scores_for_conversation(engine, "customer-1") == []


ORDER_QUESTION_ANSWERED = [
    *customer_says("and where is #55214?", "order_status"),
    *bot_replies("Order 55214 is on its way.", "action_order_status"),
]


@pytest.mark.parametrize("between", [[], ORDER_QUESTION_ANSWERED], ids=["right-after", "after-another-question"])
def test_a_later_bare_number_is_not_recorded_as_a_second_score(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, between: List[Event]
) -> None:
    """Seen by a tester: after "8" answered the NPS question, a "2" typed later was recorded too."""
    scored, history = reply(services, domain_dict, nps_question(services, domain_dict), "8")

    later, _ = reply(services, domain_dict, [*history, *between], "2")

    assert scored.texts == ["Thanks for the 8! That means a lot to the team."]
    assert later.responses == ["utter_please_rephrase"] and later.texts == []
    assert later.events == [{"event": "slot", "timestamp": None, "name": "nps_low_score", "value": False}]
    assert scores_for_conversation(engine, "customer-1") == [8]


def test_a_number_after_the_talk_moved_on_from_the_question_is_not_a_score(
    services: Services, domain_dict: Dict[str, Any], engine: Engine
) -> None:
    history = [*nps_question(services, domain_dict), *ORDER_QUESTION_ANSWERED]

    outcome, _ = reply(services, domain_dict, history, "8")

    assert outcome.responses == ["utter_please_rephrase"]
    assert scores_for_conversation(engine, "customer-1") == []


def test_a_score_after_an_answer_without_one_still_answers_the_question(
    services: Services, domain_dict: Dict[str, Any], engine: Engine
) -> None:
    unreadable, history = reply(services, domain_dict, nps_question(services, domain_dict), "pretty good")

    outcome, _ = reply(services, domain_dict, history, "8")

    assert unreadable.texts == [REJECTION]
    assert outcome.texts == ["Thanks for the 8! That means a lot to the team."]
    assert scores_for_conversation(engine, "customer-1") == [8]


def feedback_after_low_score(services: Services, domain: Dict[str, Any], text: str, intent: str) -> ActionOutcome:
    """Run `action_record_nps_reason` once `nps_reason_form` took `text` (with NLU's `intent`)."""
    history = [*ANSWERED, *customer_says("3", "nps_score"), *bot_replies("What's the one thing?", "nps_reason_form")]
    tracker = tracker_for_message(
        text, intent, history=history, channel="telegram",
        slots={"nps_asked": True, "nps_low_score": True, "nps_reason": text},
    )
    return run_action(ActionRecordNpsReason(services), tracker, domain)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("your delivery is slow", "delivery"), ("the returns process is confusing", "policy_question"),
     ("where is my order #55213?", "order_status"), ("👎", None)],
    ids=["delivery", "returns", "another-question", "emoji"],
)
def test_whatever_answers_what_to_improve_is_recorded_as_feedback_and_thanked(
    services: Services, domain_dict: Dict[str, Any], text: str, intent: str
) -> None:
    outcome = feedback_after_low_score(services, domain_dict, text, intent)

    assert services.feedback.for_conversation("customer-1") == [text]
    assert outcome.responses == ["utter_feedback_thanks"] and outcome.texts == []
    assert (outcome.slot("nps_reason"), outcome.slot("nps_low_score")) == (None, None)


def test_a_goodbye_instead_of_what_to_improve_gets_a_goodbye_and_is_not_feedback(
    services: Services, domain_dict: Dict[str, Any]
) -> None:
    outcome = feedback_after_low_score(services, domain_dict, "bye", "goodbye")

    assert services.feedback.for_conversation("customer-1") == []
    assert outcome.responses == ["utter_goodbye"]
    assert (outcome.slot("nps_reason"), outcome.slot("nps_low_score")) == (None, None)


def validate_reason(services: Services, domain: Dict[str, Any], text: str, intent: str = "nps_score",
                    frustration: Optional[Dict[str, Any]] = None) -> ActionOutcome:
    """Run `validate_nps_reason_form` as Rasa does after the form took `text` from the message."""
    events: List[Event] = [
        *session_start(), *customer_says("3", "nps_score"), action_event("nps_reason_form"),
        action_event("action_listen"), *customer_says(text, intent, frustration=frustration),
        {"event": "slot", "timestamp": 0.0, "name": "nps_reason", "value": text},
    ]
    tracker = sdk_tracker(events, slots={"nps_asked": True, "nps_reason": text, "requested_slot": "nps_reason"})
    return run_action(ValidateNpsReasonForm(services), tracker, domain)


@pytest.mark.parametrize("text", ["", "   "], ids=["empty", "spaces"])
def test_a_blank_answer_to_what_to_improve_is_asked_again(
    services: Services, domain_dict: Dict[str, Any], text: str
) -> None:
    assert validate_reason(services, domain_dict, text).slot("nps_reason") is None


def test_an_answer_to_what_to_improve_is_kept_word_for_word(services: Services, domain_dict: Dict[str, Any]) -> None:
    outcome = validate_reason(services, domain_dict, "  slow delivery!! ", "delivery", frustration={"score": 0.2})

    assert outcome.slot("nps_reason") == "  slow delivery!! "


@pytest.mark.parametrize(
    ("text", "intent", "frustration"),
    [("can I talk to a real person please", "request_human", {"score": 0.1}),
     ("This is USELESS, I've asked three times!!!", "complaint", {"score": 0.97, "signals": ["useless"]})],
    ids=["asks-for-a-person", "frustrated"],
)
def test_a_message_that_calls_for_a_person_is_no_answer_the_form_steps_aside(
    services: Services, domain_dict: Dict[str, Any], text: str, intent: str, frustration: Dict[str, Any]
) -> None:
    with pytest.raises(ActionExecutionRejection):
        validate_reason(services, domain_dict, text, intent, frustration)
