"""Tests for actions/nps.py: asked once, never twice within the cooldown, answers recorded."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from sqlalchemy.engine import Engine

from actions.nps import ActionAskNps, ActionBotBack, ActionRecordNps
from bot.services import Services
from tests.builders import LONG_TEXT, ActionOutcome, ManualClock, run_action, tracker_for_message
from tests.recorded_scores import scores_for_conversation

REJECTION = "Sorry, I need a single number from 0 (not at all likely) to 10 (extremely likely)."


def ask(services: Services, domain: Dict[str, Any], sender_id: str = "customer-1", intent: str = "thank",
        nps_asked: bool = False) -> ActionOutcome:
    """Run `action_ask_nps` after a customer message with `intent`."""
    tracker = tracker_for_message("thanks, bye", intent, sender_id=sender_id, slots={"nps_asked": nps_asked})
    return run_action(ActionAskNps(services), tracker, domain)


def answer(
    services: Services, domain: Dict[str, Any], text: str, sender_id: str = "customer-1", nps_asked: bool = True
) -> ActionOutcome:
    """Run `action_record_nps` on the customer's answer `text`."""
    tracker = tracker_for_message(text, "nps_score", sender_id=sender_id, slots={"nps_asked": nps_asked}, channel="sms")
    return run_action(ActionRecordNps(services), tracker, domain)


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


def test_at_goodbye_within_the_cooldown_the_customer_just_gets_a_goodbye(
    services: Services, domain_dict: Dict[str, Any], clock: ManualClock
) -> None:
    ask(services, domain_dict)
    clock.advance(hours=2)

    outcome = ask(services, domain_dict, intent="goodbye")

    assert outcome.responses == ["utter_goodbye"]
    assert outcome.events == []


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


@pytest.mark.parametrize("text", ["0", "3"])
def test_a_low_score_is_recorded_and_the_customer_asked_what_to_improve(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str
) -> None:
    outcome = answer(services, domain_dict, text)

    assert scores_for_conversation(engine, "customer-1") == [int(text)]
    assert "What's the one thing we should do better?" in outcome.texts[0]


@pytest.mark.parametrize("text", ["11", "-1", "7 or 8", "great", "", "👍", LONG_TEXT],
                         ids=["eleven", "negative", "two-numbers", "words", "empty", "emoji-only", "20kB"])
def test_anything_but_a_single_0_to_10_score_is_asked_again_and_not_stored(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str
) -> None:
    outcome = answer(services, domain_dict, text)

    assert outcome.texts == [REJECTION]
    assert outcome.events == []
    assert scores_for_conversation(engine, "customer-1") == []


@pytest.mark.parametrize("text", ["1", "9", "1️⃣"])
def test_a_number_nobody_asked_for_is_not_an_nps_answer(
    services: Services, domain_dict: Dict[str, Any], engine: Engine, text: str
) -> None:
    outcome = answer(services, domain_dict, text, nps_asked=False)

    assert outcome.responses == ["utter_please_rephrase"]
    assert outcome.events == []
    assert scores_for_conversation(engine, "customer-1") == []


def test_when_an_agent_hands_back_the_bot_says_so_and_asks_nps_once(
    services: Services, domain_dict: Dict[str, Any]
) -> None:
    tracker = tracker_for_message("thanks for sorting it", "thank")

    first = run_action(ActionBotBack(services), tracker, domain_dict)
    again = run_action(ActionBotBack(services), tracker, domain_dict)

    assert first.responses == ["utter_bot_back", "utter_nps_question"]
    assert first.slot("nps_asked") is True
    assert again.responses == ["utter_bot_back"]
    assert again.events == []
