"""Tests for bot/handoff/escalation.py: when a conversation goes to a person, on plain event dicts."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.handoff.escalation import (
    REASON_ASKED,
    REASON_FRUSTRATION,
    REASON_UNAVAILABLE,
    SIGNAL_EARLIER,
    SIGNAL_MISUNDERSTOOD,
    SIGNAL_REPEATED,
    CustomerTurn,
    customer_turns_since_handoff,
    decide,
    misunderstood_streak,
    reason_in_words,
)
from tests.builders import action_event, bot_replies, customer_says, session_start, simple_event

ANGRY = "This is the THIRD time I'm asking, your service is useless!!!"
CALM = "How much is the Aura speaker?"


THRESHOLD = 0.5


def turns(*messages: str, intent: Optional[str] = None, score: float = 0.05) -> List[CustomerTurn]:
    """Customer turns with the same intent and the same frustration score from NLU."""
    return [CustomerTurn(text=text, intent=intent, frustration=score) for text in messages]


def test_customer_turns_are_read_from_user_events_with_their_intent_and_score() -> None:
    events = [
        *session_start(),
        *customer_says("hi", "greet"),
        *bot_replies("Hello"),
        *customer_says(CALM, "product_question", frustration={"score": 0.12, "signals": ["aura"]}),
    ]

    assert customer_turns_since_handoff(events) == [
        CustomerTurn("hi", "greet"),
        CustomerTurn(CALM, "product_question", 0.12, ("aura",)),
    ]


def test_turns_before_a_handoff_or_resume_are_forgotten() -> None:
    events = [
        *customer_says(ANGRY, "complaint"),
        action_event("action_handoff"),
        simple_event("pause"),
        *customer_says("still there?", None),
        simple_event("resume"),
        *customer_says("thanks, sorted", "thank"),
    ]

    assert customer_turns_since_handoff(events) == [CustomerTurn("thanks, sorted", "thank")]


def test_turns_before_a_restart_or_new_session_are_forgotten() -> None:
    for reset in ("restart", "session_started"):
        events = [*customer_says(ANGRY), simple_event(reset), *customer_says("hi", "greet")]

        assert customer_turns_since_handoff(events) == [CustomerTurn("hi", "greet")]


def test_user_events_without_parse_data_or_text_do_not_crash() -> None:
    assert customer_turns_since_handoff([{"event": "user"}]) == [CustomerTurn("", None)]


def test_misunderstood_streak_counts_trailing_fallbacks_only() -> None:
    history = [
        CustomerTurn("a", "nlu_fallback"),
        CustomerTurn("b", "greet"),
        CustomerTurn("c", "nlu_fallback"),
        CustomerTurn("d", "nlu_fallback"),
    ]

    assert misunderstood_streak(history) == 2
    assert misunderstood_streak(history[:2]) == 0
    assert misunderstood_streak([]) == 0


def test_blank_emoji_and_punctuation_only_messages_are_passed_over_in_the_streak() -> None:
    """An empty message then a smiley is not the bot failing to understand twice; nor do they
    break a streak of real messages it did not understand."""
    assert misunderstood_streak([CustomerTurn("", "nlu_fallback"), CustomerTurn("🙂🙂🙂", "nlu_fallback")]) == 0
    texts = ("blorf the wibble", "  ", "?!", "zork quux")
    assert misunderstood_streak([CustomerTurn(text, "nlu_fallback") for text in texts]) == 2


def test_a_blank_message_then_an_emoji_does_not_hand_off() -> None:
    """Seen in a newcomer's chat: an empty line, then three smileys, handed the chat to a person."""
    decision = decide([CustomerTurn("", "nlu_fallback", 0.1), CustomerTurn("🙂🙂🙂", "nlu_fallback", 0.1)], THRESHOLD)

    assert decision.handoff is False


def test_no_turns_means_no_handoff() -> None:
    decision = decide([], THRESHOLD)

    assert (decision.handoff, decision.reason, decision.score, decision.signals) == (False, None, 0.0, ())


def test_asking_for_a_person_hands_off_even_when_calm() -> None:
    decision = decide(turns("could I speak to someone please", intent="request_human"), THRESHOLD)

    assert (decision.handoff, decision.reason) == (True, REASON_ASKED)


def test_a_message_scored_frustrated_hands_off_with_its_signals() -> None:
    angry = CustomerTurn(ANGRY, "complaint", 0.93, ("third time", "useless"))

    decision = decide([angry], THRESHOLD)

    assert (decision.handoff, decision.reason) == (True, REASON_FRUSTRATION)
    assert decision.score == pytest.approx(0.93)
    assert decision.signals == ("third time", "useless")


def test_a_calm_first_message_keeps_its_own_score_and_stays_with_the_bot() -> None:
    decision = decide(turns(CALM, intent="product_question", score=0.2), THRESHOLD)

    assert (decision.handoff, decision.reason) == (False, None)
    assert decision.score == pytest.approx(0.2)


def test_the_threshold_from_settings_decides() -> None:
    annoyed = turns("this took a while", intent="delivery", score=0.6)

    assert decide(annoyed, 0.5).handoff is True
    assert decide(annoyed, 0.7).handoff is False


def test_two_misunderstood_messages_in_a_row_hand_off_one_does_not() -> None:
    one = decide(turns("blorp", intent="nlu_fallback", score=0.05), THRESHOLD)
    two = decide(turns("blorp", "zzzt", intent="nlu_fallback", score=0.05), THRESHOLD)
    three_very_calm = decide(turns("blorp", "zzzt", "quux", intent="nlu_fallback", score=0.001), THRESHOLD)

    assert (one.handoff, one.score) == (False, pytest.approx(0.05))
    assert (two.handoff, two.reason) == (True, REASON_FRUSTRATION)
    assert SIGNAL_MISUNDERSTOOD in two.signals
    assert three_very_calm.handoff is True


def test_asking_the_same_thing_again_tips_a_mildly_annoyed_message() -> None:
    asked = "where is my refund for the blender"
    again = decide(turns(asked, "where is my refund for the blender?", intent="refund", score=0.3), THRESHOLD)
    new_question = decide(turns(asked, "do you sell kettles", intent="refund", score=0.3), THRESHOLD)

    assert (again.handoff, again.reason) == (True, REASON_FRUSTRATION)
    assert SIGNAL_REPEATED in again.signals
    assert new_question.handoff is False


def test_a_repeated_correction_tips_but_a_plainly_calm_repeat_does_not() -> None:
    """The same request twice tips a correction the model reads as mildly annoyed (0.01-0.07),
    not a request it reads as plainly calm (about 0.001)."""
    correction = decide(turns("that's not what I asked", "that's not what I asked", intent="deny", score=0.06), THRESHOLD)
    mild_correction = decide(turns("that's not what I asked", "that's not what I asked", intent="deny", score=0.01), THRESHOLD)
    calm_repeat = decide(turns("where is my order", "where is my order", intent="order_status", score=0.001), THRESHOLD)

    assert (correction.handoff, correction.reason) == (True, REASON_FRUSTRATION)
    assert SIGNAL_REPEATED in correction.signals
    assert mild_correction.handoff is True
    assert calm_repeat.handoff is False


def test_a_calm_repeat_of_a_short_answer_is_not_a_repeated_request() -> None:
    assert decide(turns("no", "no", intent="deny", score=0.05), THRESHOLD).handoff is False


def test_annoyance_earlier_in_the_conversation_counts_and_fades() -> None:
    annoyed_before = [CustomerTurn("this is taking ages", "delivery", 0.45), CustomerTurn("any news?", "delivery", 0.3)]
    calm_before = [CustomerTurn("hi", "greet", 0.02), CustomerTurn("any news?", "delivery", 0.3)]
    long_ago = [CustomerTurn("this is taking ages", "delivery", 0.45), *turns("ok", "sure", "fine", score=0.02),
                CustomerTurn("any news?", "delivery", 0.3)]

    assert decide(annoyed_before, THRESHOLD).handoff is True
    assert SIGNAL_EARLIER in decide(annoyed_before, THRESHOLD).signals
    assert decide(calm_before, THRESHOLD).handoff is False
    assert decide(long_ago, THRESHOLD).score < decide(annoyed_before, THRESHOLD).score


def test_only_the_latest_message_decides_an_explicit_request() -> None:
    history = [CustomerTurn("get me a human", "request_human"), CustomerTurn(CALM, "product_question")]

    assert decide(history, THRESHOLD).handoff is False


def test_every_reason_reads_as_words_and_unknown_codes_stay_readable() -> None:
    assert [reason_in_words(code) for code in (REASON_ASKED, REASON_FRUSTRATION, REASON_UNAVAILABLE)] == [
        "asked for a person", "frustrated", "assistant unavailable"]
    assert reason_in_words("weekend_overflow") == "weekend overflow"
    assert reason_in_words("queue-full__retry") == "queue full retry"
    assert reason_in_words("") == reason_in_words(None) == "no reason recorded"
