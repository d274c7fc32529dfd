"""Reads a 0-10 NPS answer out of what a customer typed ("9", "10/10", "a solid eight", "eight out of ten"),
and tells whether the conversation is waiting for one at all."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Optional

NPS_QUESTION_RESPONSE = "utter_nps_question"
RECORD_SCORE_ACTION = "action_record_nps"
LISTEN_ACTION = "action_listen"

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_OUT_OF_TEN = re.compile(r"\b(\d{1,2})\s*(?:/|out of)\s*10\b")
_NUMBER = re.compile(r"(?<![\d.,/-])(\d{1,2})(?![\d.,/]|\s*(?:/|out of)\s*\d)")
_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def parse_nps_score(text: str) -> Optional[int]:
    """The single 0-10 score in `text`, or None when there is none or several disagree."""
    lowered = text.lower()
    spelled_out = _WORD.sub(lambda word: str(_NUMBER_WORDS[word.group(1)]), lowered)
    candidates = [int(m) for m in _OUT_OF_TEN.findall(spelled_out)]
    if not candidates:
        candidates = [int(m) for m in _NUMBER.findall(lowered)]
    if not candidates:
        candidates = [_NUMBER_WORDS[m] for m in _WORD.findall(lowered)]
    scores = {c for c in candidates if 0 <= c <= 10}
    if len(scores) != 1 or len(candidates) != len([c for c in candidates if 0 <= c <= 10]):
        return None
    return scores.pop()


def awaits_nps_score(events: Iterable[Mapping[str, Any]]) -> bool:
    """True while the NPS question is still waiting for its score: the bot's latest question was the
    NPS ask (or asking again after an answer with no 0-10 number in it) and no score answered it yet.

    Only then is a bare number an NPS answer; a "2" typed later in the conversation, after a score
    was recorded or after the bot moved on to something else, must not become a second score.
    """
    waiting = False
    customer_text = ""
    for event in events:
        kind = event.get("event")
        if kind == "user":
            customer_text = event.get("text") or ""
        elif kind == "bot" and (event.get("metadata") or {}).get("utter_action") == NPS_QUESTION_RESPONSE:
            waiting = True
        elif kind == "action":
            waiting = waiting and _still_waiting_after(event.get("name"), customer_text)
    return waiting


def _still_waiting_after(action: Optional[str], customer_text: str) -> bool:
    """Whether a pending NPS question is still open after the bot ran `action` on `customer_text`:
    listening keeps it open, recording a score closes it, asking again keeps it, anything else moves on."""
    if action == LISTEN_ACTION:
        return True
    return action == RECORD_SCORE_ACTION and parse_nps_score(customer_text) is None
