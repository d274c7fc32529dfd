"""Tests for bot/handoff/escalation.py: when a conversation goes to a person, on plain event dicts."""

from __future__ import annotations

from typing import List, Optional

from bot.handoff.escalation import (
    REASON_ASKED,
    REASON_FRUSTRATION,
    REASON_UNAVAILABLE,
    CustomerTurn,
    customer_turns_since_handoff,
    decide,
    misunderstood_streak,
    reason_in_words,
)
from bot.frustration import FrustrationScorer
from tests.builders import action_event, bot_replies, customer_says, session_start, simple_event

ANGRY = "This is the THIRD time I'm asking, your service is useless!!!"
CALM = "How much is the Aura speaker?"


def turns(*messages: str, intent: Optional[str] = None) -> List[CustomerTurn]:
    """Customer turns with the same intent."""
    return [CustomerTurn(text=text, intent=intent) for text in messages]


def test_customer_turns_are_read_from_user_events_with_their_intent() -> None:
    events = [
        *session_start(),
        *customer_says("hi", "greet"),
        *bot_replies("Hello"),
        *customer_says(CALM, "product_question"),
    ]

    assert customer_turns_since_handoff(events) == [
        CustomerTurn("hi", "greet"),
        CustomerTurn(CALM, "product_question"),
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


def test_a_blank_message_then_an_emoji_does_not_hand_off(scorer: FrustrationScorer) -> None:
    """Seen in a newcomer's chat: an empty line, then three smileys, handed the chat to a person."""
    decision = decide([CustomerTurn("", "nlu_fallback"), CustomerTurn("🙂🙂🙂", "nlu_fallback")], scorer)

    assert decision.handoff is False


def test_no_turns_means_no_handoff(scorer: FrustrationScorer) -> None:
    decision = decide([], scorer)

    assert (decision.handoff, decision.reason, decision.score, decision.signals) == (False, None, 0.0, ())


def test_asking_for_a_person_hands_off_even_when_calm(scorer: FrustrationScorer) -> None:
    decision = decide(turns("could I speak to someone please", intent="request_human"), scorer)

    assert (decision.handoff, decision.reason) == (True, REASON_ASKED)


def test_a_frustrated_message_hands_off_with_its_signals(scorer: FrustrationScorer) -> None:
    decision = decide(turns(ANGRY, intent="complaint"), scorer)

    assert (decision.handoff, decision.reason) == (True, REASON_FRUSTRATION)
    assert decision.score >= 0.5
    assert "third_time" in decision.signals


def test_a_calm_question_does_not_hand_off(scorer: FrustrationScorer) -> None:
    decision = decide(turns(CALM, intent="product_question"), scorer)

    assert (decision.handoff, decision.reason) == (False, None)
    assert decision.score < 0.5


def test_two_misunderstood_messages_in_a_row_hand_off(scorer: FrustrationScorer) -> None:
    one = decide(turns("blorp", intent="nlu_fallback"), scorer)
    two = decide(turns("blorp", "zzzt", intent="nlu_fallback"), scorer)

    assert one.handoff is False
    assert (two.handoff, two.reason) == (True, REASON_FRUSTRATION)
    assert "bot_misunderstood" in two.signals


def test_only_the_latest_message_decides_an_explicit_request(scorer: FrustrationScorer) -> None:
    history = [CustomerTurn("get me a human", "request_human"), CustomerTurn(CALM, "product_question")]

    assert decide(history, scorer).handoff is False


def test_every_reason_reads_as_words_and_unknown_codes_stay_readable() -> None:
    assert [reason_in_words(code) for code in (REASON_ASKED, REASON_FRUSTRATION, REASON_UNAVAILABLE)] == [
        "asked for a person", "frustrated", "assistant unavailable"]
    assert reason_in_words("weekend_overflow") == "weekend overflow"
    assert reason_in_words("queue-full__retry") == "queue full retry"
    assert reason_in_words("") == reason_in_words(None) == "no reason recorded"
