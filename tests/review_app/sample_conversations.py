"""Conversations as Rasa tracker events (real shapes, from `tests.builders`), written to a real
Rasa SQL tracker store and, for handoffs, to the real handoff store.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event as RasaEvent
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.store import Handoff, HandoffStore
from bot.transcript import transcript_from_events
from tests.builders import Event, action_event, bot_event, simple_event, user_event

FRUSTRATED = "This is the THIRD time I'm asking, your service is useless!!!"
SCRIPT_TAG = "<script>alert(1)</script>"
IMG_TAG = "<img src=x onerror=alert(2)>"


def at(start: datetime, seconds: float) -> float:
    """A Unix timestamp `seconds` after `start`."""
    return (start + timedelta(seconds=seconds)).timestamp()


def customer(text: str, intent: str, confidence: float, frustration: float, when: float,
             channel: str = "rest", ranking: Sequence[str] = ()) -> Event:
    """A customer message with intent, confidence and frustration score as the pipeline adds them."""
    event = user_event(text, intent=intent, confidence=confidence, channel=channel,
                       frustration={"score": frustration, "signals": []}, timestamp=when)
    if ranking:
        event["parse_data"]["intent_ranking"] = [
            {"name": name, "confidence": round(confidence / (index + 1), 3)} for index, name in enumerate(ranking)
        ]
    return event


def frustrated_conversation(start: datetime, channel: str = "rest", first: str = "where is my order 113542617735902",
                            last: str = FRUSTRATED) -> List[Event]:
    """A customer asks about an order, gets angry, and is handed over."""
    return [
        action_event("action_session_start", at(start, 0)), simple_event("session_started", at(start, 0)),
        action_event("action_listen", at(start, 0)),
        customer(first, "order_status", 0.93, 0.12, at(start, 1), channel),
        action_event("action_order_status", at(start, 2)),
        bot_event("Order 113542617735902 is packed and leaves today.", timestamp=at(start, 2)),
        action_event("action_listen", at(start, 2)),
        customer(last, "order_status", 0.61, 0.82, at(start, 30), channel),
        action_event("action_handoff", at(start, 31)),
        bot_event("I'm handing you over to a person on our team now.", timestamp=at(start, 31)),
        simple_event("pause", at(start, 31)),
    ]


def calm_conversation(start: datetime, channel: str = "rest") -> List[Event]:
    """A customer asks a price and says thanks."""
    return [
        action_event("action_session_start", at(start, 0)), simple_event("session_started", at(start, 0)),
        customer("how much is the aura smart speaker?", "product_question", 0.97, 0.0, at(start, 1), channel),
        bot_event("The Aura smart speaker is £89.00 and in stock.", timestamp=at(start, 2)),
        customer("thanks!", "thank", 0.99, 0.0, at(start, 10), channel),
        bot_event("You're welcome!", timestamp=at(start, 11)),
    ]


def misunderstood_conversation(start: datetime, text: str = "blorp the wibble please",
                               channel: str = "rest") -> List[Event]:
    """The bot falls back on a message it cannot place."""
    return [
        action_event("action_session_start", at(start, 0)), simple_event("session_started", at(start, 0)),
        customer(text, "nlu_fallback", 0.21, 0.05, at(start, 1), channel, ranking=("nlu_fallback", "product_question")),
        bot_event("Sorry, I didn't get that.", timestamp=at(start, 2)),
        customer("do you sell kettles", "product_question", 0.44, 0.0, at(start, 5), channel),
        bot_event("We sell the Brew kettle.", timestamp=at(start, 6)),
    ]


def agent_reply(text: str, agent: str, when: float) -> List[Event]:
    """What the desk adds when an agent replies."""
    return [bot_event(text, agent=agent, timestamp=when)]


class TrackerDatabase:
    """A real Rasa SQL tracker store (SQLite file) that tests write conversations into."""

    def __init__(self, path: Path) -> None:
        """Create (or open) the tracker store at `path`."""
        self.path = path
        self.url = f"sqlite:///{path}"
        self.store = SQLTrackerStore(dialect="sqlite", db=str(path))

    def add(self, sender: str, events: Sequence[Event]) -> None:
        """Append `events` to the conversation, as Rasa does after each turn.

        Runs on its own thread: Playwright's sync API keeps an event loop running on this one.
        """
        with ThreadPoolExecutor(max_workers=1) as executor:
            executor.submit(asyncio.run, self.append(sender, events)).result()

    async def append(self, sender: str, events: Sequence[Event]) -> None:
        """Async version of `add` (for fakes running on an event loop)."""
        tracker = await self.store.retrieve(sender) or DialogueStateTracker(sender, slots=[])
        for event in events:
            parsed = RasaEvent.from_parameters(dict(event))
            if parsed is not None:
                tracker.update(parsed)
        await self.store.save(tracker)

    def close(self) -> None:
        """Dispose of the store's connections."""
        self.store.engine.dispose()


def open_handoff(store: HandoffStore, sender: str, events: Sequence[Event], channel: str = "rest",
                 customer_name: Optional[str] = None, reason: str = "frustration",
                 score: float = 0.82) -> Handoff:
    """Open the handoff the handoff action would open for these events."""
    return store.open(
        conversation_id=sender, channel=channel, customer=customer_name or sender, reason=reason,
        frustration_score=score, signals=["repeated_request", "insult"],
        transcript=transcript_from_events(events),
    )


def records(events: Sequence[Event]) -> List[Dict[str, Any]]:
    """Transcript lines of `events` (what the handoff stores)."""
    return transcript_from_events(events)


def work_handoff(store: HandoffStore, clock: Any, handoff: Handoff, agent: str,
                 reply_after: Optional[float] = None, resolve_after: Optional[float] = None) -> Handoff:
    """Claim, reply and resolve as an agent would, moving the manual `clock` (seconds after opening)."""
    opened = clock.now
    store.claim(handoff.id, agent)
    if reply_after is not None:
        clock.now = opened + timedelta(seconds=reply_after)
        store.record_human_reply(handoff.id)
    if resolve_after is not None:
        clock.now = opened + timedelta(seconds=resolve_after)
        store.resolve(handoff.id, by=agent, note="sorted")
    clock.now = opened
    return store.get(handoff.id)
