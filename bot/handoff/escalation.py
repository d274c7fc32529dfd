"""When to hand a conversation to a person: the customer asked, or frustration crossed the line.

Works on plain tracker event dicts, so the Rasa policy (which decides) and the handoff action
(which records why) reach the same answer from the same conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.frustration import FrustrationScorer

HANDOFF_ACTION = "action_handoff"
REQUEST_HUMAN_INTENT = "request_human"
NOT_UNDERSTOOD_INTENTS = frozenset({"nlu_fallback"})
REASON_ASKED = "customer_asked"
REASON_FRUSTRATION = "frustration"
REASON_UNAVAILABLE = "assistant_unavailable"
REASONS_IN_WORDS = {
    REASON_ASKED: "asked for a person",
    REASON_FRUSTRATION: "frustrated",
    REASON_UNAVAILABLE: "assistant unavailable",
}


@dataclass(frozen=True)
class CustomerTurn:
    """One customer message as the escalation rule sees it."""

    text: str
    intent: Optional[str]


@dataclass(frozen=True)
class EscalationDecision:
    """Whether to hand off now, why, and the conversation's frustration score."""

    handoff: bool
    reason: Optional[str]
    score: float
    signals: Tuple[str, ...]


def reason_in_words(code: Optional[str]) -> str:
    """How people read a stored handoff reason ("asked for a person"); unknown codes lose their underscores."""
    if code in REASONS_IN_WORDS:
        return REASONS_IN_WORDS[code]
    return " ".join((code or "").replace("_", " ").replace("-", " ").split()) or "no reason recorded"


def customer_turns_since_handoff(events: Iterable[Mapping[str, Any]]) -> List[CustomerTurn]:
    """Customer messages since the last handoff or resume (older ones were already dealt with)."""
    turns: List[CustomerTurn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            turns.append(CustomerTurn(text=event.get("text") or "", intent=intent))
        elif kind == "resume" or (kind == "action" and event.get("name") == HANDOFF_ACTION):
            turns = []
        elif kind == "restart" or kind == "session_started":
            turns = []
    return turns


def misunderstood_streak(turns: Sequence[CustomerTurn]) -> int:
    """How many of the latest customer messages in a row the bot did not understand.

    Messages with no letters or digits (blank, only emoji, only punctuation) are passed over:
    they neither count nor break the streak, because a customer who sends an empty SMS or a
    smiley has not tried to say something the bot failed to understand.
    """
    streak = 0
    for turn in reversed(turns):
        if not any(character.isalnum() for character in turn.text):
            continue
        if turn.intent not in NOT_UNDERSTOOD_INTENTS:
            break
        streak += 1
    return streak


def decide(turns: Sequence[CustomerTurn], scorer: FrustrationScorer) -> EscalationDecision:
    """Hand off if the latest message asks for a person or the conversation is too frustrating."""
    if not turns:
        return EscalationDecision(False, None, 0.0, ())
    latest = turns[-1]
    history = [turn.text for turn in turns[:-1]]
    assessment = scorer.assess(
        latest.text, history=history, misunderstood_streak=misunderstood_streak(turns)
    )
    if latest.intent == REQUEST_HUMAN_INTENT:
        return EscalationDecision(True, REASON_ASKED, assessment.score, assessment.signals)
    if assessment.is_frustrated:
        return EscalationDecision(True, REASON_FRUSTRATION, assessment.score, assessment.signals)
    return EscalationDecision(False, None, assessment.score, assessment.signals)
