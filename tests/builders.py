"""Shared test inputs: Rasa tracker events and tracker states as plain dicts, a settable clock,
and a helper that runs a rasa-sdk action.

The dicts have the shape Rasa itself sends to the action server (`DialogueStateTracker.
current_state()`), so the same events feed `rasa_sdk.Tracker.from_dict` in action tests and
`DialogueStateTracker.from_dict` in policy tests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

Event = Dict[str, Any]

# A Wednesday, 12:00 UTC: the desk (08:00-22:00 Europe/London) is open.
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
DEFAULT_TIMESTAMP = WEDNESDAY_NOON.timestamp()

# Messages no action may crash on.
EMPTY_TEXT = ""
EMOJI_ONLY_TEXT = "😡😡😡🙄💩"
LONG_TEXT = ("My order never arrived and nobody answers my emails, please help. " * 400)[: 20 * 1024]
ODD_TEXTS: Tuple[str, ...] = (EMPTY_TEXT, EMOJI_ONLY_TEXT, LONG_TEXT)
ODD_TEXT_IDS: Tuple[str, ...] = ("empty", "emoji-only", "20kB")


# --- Time --------------------------------------------------------------------------------------


class ManualClock:
    """A clock that stands still until a test moves it (the `Clock` callables take this)."""

    def __init__(self, now: datetime = WEDNESDAY_NOON) -> None:
        """Start at `now` (timezone-aware)."""
        self.now = now

    def __call__(self) -> datetime:
        """The current (fixed) time."""
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)` and return the new time."""
        self.now = self.now + timedelta(**delta)
        return self.now


# --- Events ------------------------------------------------------------------------------------


def user_event(
    text: str,
    intent: Optional[str] = None,
    confidence: float = 1.0,
    entities: Sequence[Mapping[str, Any]] = (),
    channel: str = "rest",
    metadata: Optional[Mapping[str, Any]] = None,
    frustration: Optional[Mapping[str, Any]] = None,
    timestamp: float = DEFAULT_TIMESTAMP,
) -> Event:
    """A `user` event with parse data as the NLU pipeline (and our frustration annotator) fill it."""
    parse_data: Dict[str, Any] = {
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": [dict(entity) for entity in entities],
        "text": text,
        "message_id": None,
        "metadata": dict(metadata or {}),
    }
    if frustration is not None:
        parse_data["frustration"] = dict(frustration)
    return {
        "event": "user",
        "timestamp": timestamp,
        "metadata": dict(metadata or {}),
        "text": text,
        "parse_data": parse_data,
        "input_channel": channel,
        "message_id": None,
    }


def entity(name: str, value: str) -> Dict[str, Any]:
    """An extracted entity as it appears in parse data."""
    return {"entity": name, "value": value, "start": 0, "end": len(value), "extractor": "RegexEntityExtractor"}


def bot_event(
    text: str, agent: Optional[str] = None, timestamp: float = DEFAULT_TIMESTAMP
) -> Event:
    """A `bot` message; with `agent` it is a person's message relayed by the desk."""
    metadata: Dict[str, Any] = {"agent": agent} if agent else {"utter_action": "utter_x"}
    return {
        "event": "bot",
        "timestamp": timestamp,
        "metadata": metadata,
        "text": text,
        "data": {"buttons": None},
    }


def action_event(name: str, timestamp: float = DEFAULT_TIMESTAMP) -> Event:
    """An `action` executed event."""
    return {
        "event": "action",
        "timestamp": timestamp,
        "name": name,
        "policy": None,
        "confidence": None,
        "action_text": None,
        "hide_rule_turn": False,
    }


def simple_event(kind: str, timestamp: float = DEFAULT_TIMESTAMP) -> Event:
    """A payload-free event such as `pause`, `resume`, `restart` or `session_started`."""
    return {"event": kind, "timestamp": timestamp}


def session_start() -> List[Event]:
    """The events every conversation starts with."""
    return [action_event("action_session_start"), simple_event("session_started"), action_event("action_listen")]


def customer_says(text: str, intent: Optional[str] = None, **user: Any) -> List[Event]:
    """A customer turn as the tracker holds it when the next action is predicted."""
    return [user_event(text, intent=intent, **user)]


def bot_replies(text: str, action: str = "utter_x") -> List[Event]:
    """The bot's answer, then listening again."""
    return [action_event(action), bot_event(text), action_event("action_listen")]


# --- Tracker state -----------------------------------------------------------------------------

DOMAIN_SLOTS: Dict[str, Any] = {
    "product": None,
    "order_id": None,
    "nps_asked": False,
    "awaiting": None,
    "nps_low_score": None,
    "nps_reason": None,
    "requested_slot": None,
    "session_started_metadata": None,
}


# Rasa's `latest_message` before the customer has said anything.
NO_MESSAGE: Dict[str, Any] = {"intent": {}, "entities": [], "text": None, "message_id": None, "metadata": {}}


def tracker_state(
    events: Sequence[Event],
    sender_id: str = "customer-1",
    slots: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """What Rasa sends the action server: latest message and action derived from `events`."""
    users = [event for event in events if event["event"] == "user"]
    actions = [event for event in events if event["event"] == "action"]
    pauses = [event["event"] for event in events if event["event"] in ("pause", "resume")]
    latest_action = actions[-1]["name"] if actions else None
    return {
        "sender_id": sender_id,
        "slots": {**DOMAIN_SLOTS, **(slots or {})},
        "latest_message": users[-1]["parse_data"] if users else NO_MESSAGE,
        "latest_event_time": events[-1]["timestamp"] if events else None,
        "followup_action": None,
        "paused": bool(pauses) and pauses[-1] == "pause",
        "events": list(events),
        "latest_input_channel": users[-1]["input_channel"] if users else None,
        "active_loop": {},
        "latest_action": {"action_name": latest_action},
        "latest_action_name": latest_action,
    }


def sdk_tracker(
    events: Sequence[Event],
    sender_id: str = "customer-1",
    slots: Optional[Mapping[str, Any]] = None,
) -> Tracker:
    """A rasa-sdk `Tracker` built from the dict Rasa would send."""
    return Tracker.from_dict(tracker_state(events, sender_id=sender_id, slots=slots))


def tracker_for_message(
    text: str,
    intent: Optional[str] = None,
    sender_id: str = "customer-1",
    slots: Optional[Mapping[str, Any]] = None,
    history: Sequence[Event] = (),
    **user: Any,
) -> Tracker:
    """A tracker whose latest event is the customer's message `text` (after `history`)."""
    events = [*session_start(), *history, *customer_says(text, intent=intent, **user)]
    return sdk_tracker(events, sender_id=sender_id, slots=slots)


# --- Running actions ---------------------------------------------------------------------------


@dataclass
class ActionOutcome:
    """What an action did: the messages it dispatched and the events it returned."""

    messages: List[Dict[str, Any]]
    events: List[Dict[str, Any]]

    @property
    def texts(self) -> List[str]:
        """The plain texts dispatched (responses by name are in `responses`)."""
        return [message["text"] for message in self.messages if message.get("text")]

    @property
    def responses(self) -> List[str]:
        """The domain responses dispatched by name."""
        return [message["response"] for message in self.messages if message.get("response")]

    def slot(self, name: str) -> Any:
        """The value the action set `name` to; `KeyError` when it did not set it."""
        for event in reversed(self.events):
            if event.get("event") == "slot" and event.get("name") == name:
                return event["value"]
        raise KeyError(f"The action set no slot {name!r}; events: {self.events}")


def run_action(action: Action, tracker: Tracker, domain: Mapping[str, Any]) -> ActionOutcome:
    """Run `action` as the action server does and collect what it did."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, dict(domain)))
    return ActionOutcome(messages=dispatcher.messages, events=list(events))
