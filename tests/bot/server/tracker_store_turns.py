"""Turns as Rasa's processor runs them against a tracker store (read, update, save), and what the
database saw, for the tracker store tests on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from typing import Any, Iterator, List

import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.kept_trackers import marking_turns
from bot.server.tracker_store import LoudSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  product:
    type: text
    mappings:
    - type: custom
"""
)


def customer_turn(text: str, reply: str) -> List[Event]:
    """A customer message with parse data, a custom action setting a slot, the bot's reply, listen."""
    intent = {"name": "ask_price", "confidence": 0.91}
    parse_data = {
        "intent": intent, "entities": [], "text": text,
        "intent_ranking": [intent, {"name": "greet", "confidence": 0.05}],
    }
    return [
        UserUttered(text, intent, [], parse_data),
        ActionExecuted("action_product_price"),
        SlotSet("product", "speaker"),
        BotUttered(reply, {"elements": None}, {"utter_action": "utter_price"}),
        ActionExecuted("action_listen"),
    ]


async def run_turn(store: LoudSQLTrackerStore, sender: str, text: str) -> DialogueStateTracker:
    """What Rasa's processor does with the store for one message: get or create (starting the
    session of a new conversation), add the turn's events as they happen, save."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    if not tracker.events:
        for event in session_start():
            tracker.update(event)
    for event in customer_turn(text, f"reply to {text}"):
        tracker.update(event)
    await store.save(tracker)
    return tracker


def session_start() -> List[Event]:
    """The events Rasa's `action_session_start` adds."""
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def turn(store: LoudSQLTrackerStore, sender: str, text: str) -> DialogueStateTracker:
    """`run_turn` from synchronous test code."""
    return asyncio.run(run_turn(store, sender, text))


def marked_turn(store: LoudSQLTrackerStore, sender: str, text: str) -> DialogueStateTracker:
    """`run_turn` inside Rasa's message handling as the server runs it, its turn marked for
    `bot.server.kept_trackers` (the processor itself is not needed: `run_turn` does its part)."""

    async def handle(_processor: Any, message: UserMessage) -> DialogueStateTracker:
        return await run_turn(store, message.sender_id, message.text or "")

    return asyncio.run(marking_turns(handle)(None, UserMessage(text, sender_id=sender)))


def stored_rows(store: LoudSQLTrackerStore, sender: str) -> List[Any]:
    """(type_name, intent_name, action_name, data) of every stored row of `sender`, in order."""
    events = store.SQLEvent.__table__.c
    query = (
        sa.select(events.type_name, events.intent_name, events.action_name, events.data)
        .where(events.sender_id == sender).order_by(events.id)
    )
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def as_dicts(tracker: DialogueStateTracker) -> List[Any]:
    """The tracker's events as Rasa serialises them."""
    return [event.as_dict() for event in tracker.events]


@contextmanager
def statements(store: LoudSQLTrackerStore) -> Iterator[List[str]]:
    """The SQL statements the store's engine runs inside the block (first word, upper case)."""
    seen: List[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.strip().split()[0].upper())

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
