"""When to hand a conversation to a person: the customer asked, or the conversation is too frustrating.

Works on plain tracker event dicts, so the Rasa policy (which decides) and the handoff action
(which records why) reach the same answer from the same conversation. Each message's own score
is read from its parse data (`bot.nlu.frustration_classifier` scored it once, when it arrived);
the conversation adds evidence on the same log-odds scale: asking the same thing again, the bot
not understanding several times in a row, and frustration earlier in the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.log_odds import log_odds, sigmoid

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
SIGNAL_REPEATED = "repeated_request"
SIGNAL_MISUNDERSTOOD = "bot_misunderstood"
SIGNAL_EARLIER = "earlier_frustration"

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_FILLER_WORDS = frozenset(
    "a an the i i'm im me my you your it is are to of and or for on in at this that what with please".split()
)


@dataclass(frozen=True)
class ConversationWeights:
    """How much each conversation signal adds to a message's log-odds of frustration.

    A first misunderstanding adds nothing (a first message must stand on its own score); the
    second in a row adds `misunderstood`, which tips any message that is not plainly calm, and
    the third tips any message. Sending the same request again says that the bot's answer did
    not help: a repeat tips a message that is not plainly calm ("that's not what I asked" twice),
    never a plainly calm request ("where is my order" twice). Its weight sits in the middle of the
    gap, on the log-odds scale, between the model's scores for our calm requests (about 0.001) and
    for corrections such as "that's not what I asked" (0.01-0.07). An annoyed earlier message tips
    one that already sounds annoyed.
    """

    window: int = 10
    repeated_request: float = 6.0
    further_repeat: float = 0.25
    same_request_similarity: float = 0.75
    same_request_min_words: int = 2
    misunderstood: float = 4.0
    earlier_frustration: float = 2.0
    earlier_decay: float = 0.7


@dataclass(frozen=True)
class CustomerTurn:
    """One customer message as the escalation rule sees it, with the score NLU gave it."""

    text: str
    intent: Optional[str]
    frustration: float = 0.0
    signals: Tuple[str, ...] = field(default=())


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


def _turn(event: Mapping[str, Any]) -> CustomerTurn:
    """A customer turn from a `user` event, its score taken from the parse data."""
    parse_data = event.get("parse_data") or {}
    frustration = parse_data.get("frustration") or {}
    return CustomerTurn(
        text=event.get("text") or "",
        intent=(parse_data.get("intent") or {}).get("name"),
        frustration=float(frustration.get("score") or 0.0),
        signals=tuple(str(signal) for signal in frustration.get("signals") or ()),
    )


def customer_turns_since_handoff(events: Iterable[Mapping[str, Any]]) -> List[CustomerTurn]:
    """Customer messages since the last handoff or resume (older ones were already dealt with)."""
    turns: List[CustomerTurn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append(_turn(event))
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


def content_words(text: str) -> frozenset[str]:
    """Lower-case words of a message without fillers, for comparing two requests."""
    return frozenset(_WORD.findall(text.lower().replace("\u2019", "'"))) - _FILLER_WORDS


def repeats_of(latest: CustomerTurn, earlier: Sequence[CustomerTurn], weights: ConversationWeights) -> int:
    """How many earlier messages ask the same thing as the latest (word-set overlap)."""
    words = content_words(latest.text)
    if len(words) < weights.same_request_min_words:
        return 0
    count = 0
    for turn in earlier:
        previous = content_words(turn.text)
        if previous and len(words & previous) / len(words | previous) >= weights.same_request_similarity:
            count += 1
    return count


def conversation_evidence(
    turns: Sequence[CustomerTurn], weights: ConversationWeights = ConversationWeights()
) -> dict[str, float]:
    """What the conversation adds to the latest message's log-odds, per signal."""
    latest, earlier = turns[-1], list(turns[:-1])[-weights.window :] if weights.window else []
    repeats = repeats_of(latest, earlier, weights)
    earlier_peak = max(
        (turn.frustration * weights.earlier_decay**distance for distance, turn in enumerate(reversed(earlier))),
        default=0.0,
    )
    return {
        SIGNAL_REPEATED: weights.repeated_request + weights.further_repeat * (repeats - 1) if repeats else 0.0,
        SIGNAL_MISUNDERSTOOD: weights.misunderstood * max(0, misunderstood_streak(turns) - 1),
        SIGNAL_EARLIER: weights.earlier_frustration * earlier_peak,
    }


def decide(
    turns: Sequence[CustomerTurn], threshold: float, weights: ConversationWeights = ConversationWeights()
) -> EscalationDecision:
    """Hand off if the latest message asks for a person or the conversation is too frustrating."""
    if not turns:
        return EscalationDecision(False, None, 0.0, ())
    latest = turns[-1]
    evidence = conversation_evidence(turns, weights)
    score = sigmoid(log_odds(latest.frustration) + sum(evidence.values()))
    fired = tuple(name for name, value in sorted(evidence.items(), key=lambda item: -item[1]) if value >= 0.1)
    signals = latest.signals + fired
    if latest.intent == REQUEST_HUMAN_INTENT:
        return EscalationDecision(True, REASON_ASKED, score, signals)
    if score >= threshold:
        return EscalationDecision(True, REASON_FRUSTRATION, score, signals)
    return EscalationDecision(False, None, score, signals)
