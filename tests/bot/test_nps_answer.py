"""Tests for bot/nps_answer.py: reading a 0-10 score out of what a customer typed, and whether the
conversation is waiting for one."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.nps_answer import awaits_nps_score, parse_nps_score
from tests.builders import (
    EMOJI_ONLY_TEXT,
    LONG_TEXT,
    Event,
    action_event,
    bot_event,
    bot_replies,
    customer_says,
    session_start,
)


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("9", 9),
        ("0", 0),
        ("10", 10),
        ("10/10", 10),
        ("8 out of 10", 8),
        ("a solid eight", 8),
        ("I'd say 7", 7),
        ("score: 9!", 9),
        ("Zero.", 0),
        ("10 10", 10),
        ("eight out of ten", 8),
        ("Nine out of 10", 9),
        ("one more thing: 9", 9),
    ],
)
def test_a_single_score_is_read(text: str, score: int) -> None:
    assert parse_nps_score(text) == score


@pytest.mark.parametrize(
    "text",
    ["11", "-3", "3.5", "100", "11/10", "7 or 8", "nine, maybe ten", "9/10 and 10/10", "great", "",
     EMOJI_ONLY_TEXT, LONG_TEXT],
    ids=["eleven", "negative", "decimal", "hundred", "eleven-out-of-ten", "two-numbers", "two-words",
         "two-ratings", "no-number", "empty", "emoji-only", "20kB"],
)
def test_no_score_when_out_of_range_absent_or_ambiguous(text: str) -> None:
    assert parse_nps_score(text) is None


def test_out_of_ten_takes_precedence_over_other_numbers() -> None:
    score: Optional[int] = parse_nps_score("order 55213 was fine, 7/10")

    assert score == 7


def asked_by(action: str) -> List[Event]:
    """`action` asking the NPS question, as Rasa logs it (the response's name in `utter_action`)."""
    question = {**bot_event("How likely, 0 to 10...?"), "metadata": {"utter_action": "utter_nps_question"}}
    return [action_event(action), question, action_event("action_listen")]


ASKED = [*session_start(), *customer_says("thanks!", "thank"), *asked_by("action_ask_nps")]
SCORED = [*ASKED, *customer_says("8", "nps_score"), *bot_replies("Thanks for the 8!", "action_record_nps")]
MOVED_ON = [*ASKED, *customer_says("where is #55213", "order_status"), *bot_replies("Packed.", "action_order_status")]


@pytest.mark.parametrize(
    "events",
    [
        [*ASKED, *customer_says("8")],
        [*session_start(), *customer_says("bye", "goodbye"), action_event("utter_goodbye"),
         *asked_by("action_ask_nps")],
        [*session_start(), action_event("action_bot_back"), bot_event("I'm back"), *asked_by("action_bot_back")[1:]],
        [*ASKED, *customer_says("pretty good", "nps_score"), *bot_replies("I need a number", "action_record_nps"),
         *customer_says("8")],
    ],
    ids=["after-the-question", "after-goodbye", "after-the-bot-is-back", "after-asking-again"],
)
def test_a_question_nobody_scored_yet_waits_for_a_score(events: List[Event]) -> None:
    assert awaits_nps_score(events) is True


@pytest.mark.parametrize(
    "events",
    [
        [],
        [*session_start(), *customer_says("2", "nps_score")],
        [*SCORED, *customer_says("2", "nps_score")],
        [*MOVED_ON, *customer_says("2", "nps_score")],
        [*SCORED, *customer_says("3", "nps_score"), *bot_replies("Sorry, I didn't get that.", "action_record_nps")],
        [*ASKED, *session_start()],
    ],
    ids=["no-events", "never-asked", "already-scored", "talk-moved-on", "ignored-number-after-score", "new-session"],
)
def test_no_score_is_awaited_unless_the_latest_question_is_an_unanswered_nps_question(events: List[Event]) -> None:
    assert awaits_nps_score(events) is False
