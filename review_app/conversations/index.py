"""A summary of every conversation in Rasa's tracker store, kept in our database for fast filtering.

`ConversationIndex.sync()` reads the events added since the last sync and rewrites the summary
and customer messages of each conversation they belong to, so running it twice (or from two
processes at once) gives the same result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff.escalation import HANDOFF_ACTION, NOT_UNDERSTOOD_INTENTS
from bot.records.database import metadata
from bot.transcript import AGENT, BOT, CUSTOMER, transcript_from_events
from review_app.conversations.archive import ConversationArchive

PREVIEW_LENGTH = 160

conversation_summaries_table = sa.Table(
    "conversation_summaries",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("channel", sa.String(32), nullable=False, index=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("last_message_at", sa.DateTime, nullable=False, index=True),
    sa.Column("customer_messages", sa.Integer, nullable=False),
    sa.Column("bot_messages", sa.Integer, nullable=False),
    sa.Column("agent_messages", sa.Integer, nullable=False),
    sa.Column("lowest_confidence", sa.Float),
    sa.Column("handoffs", sa.Integer, nullable=False),
    sa.Column("preview", sa.String(PREVIEW_LENGTH), nullable=False),
)

conversation_messages_table = sa.Table(
    "conversation_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("intent", sa.String(255)),
    sa.Column("best_guess", sa.String(255)),
    sa.Column("confidence", sa.Float),
    sa.Column("sent_at", sa.DateTime),
    sa.Index("ix_conversation_messages_intent", "intent", "conversation_id"),
)

index_state_table = sa.Table(
    "conversation_index_state",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("last_event_id", sa.Integer, nullable=False),
)

_STATE_KEY = "tracker"


@dataclass(frozen=True)
class ConversationDigest:
    """A conversation's summary row and its customer messages, ready to store."""

    summary: Dict[str, Any]
    messages: List[Dict[str, Any]]


def digest_conversation(conversation_id: str, events: Iterable[Mapping[str, Any]]) -> Optional[ConversationDigest]:
    """Summarise one conversation's events; None when it has no messages yet."""
    events = list(events)
    lines = transcript_from_events(events)
    if not lines:
        return None
    customer_events = [event for event in events if event.get("event") == "user"]
    messages = [_message_row(conversation_id, position, event) for position, event in enumerate(customer_events)]
    confidences = [message["confidence"] for message in messages if message["confidence"] is not None]
    times = [_moment(event["timestamp"]) for event in events if event.get("timestamp") is not None]
    message_times = [_moment(event["timestamp"]) for event in events
                     if event.get("event") in ("user", "bot") and event.get("timestamp") is not None]
    channels = [str(event.get("input_channel")) for event in customer_events if event.get("input_channel")]
    roles = [line["role"] for line in lines]
    first_text = messages[0]["text"] if messages else lines[0]["text"]
    summary = {
        "conversation_id": conversation_id,
        "channel": channels[-1] if channels else "unknown",
        "started_at": min(times, default=_moment(0)),
        "last_message_at": max(message_times, default=min(times, default=_moment(0))),
        "customer_messages": roles.count(CUSTOMER),
        "bot_messages": roles.count(BOT),
        "agent_messages": roles.count(AGENT),
        "lowest_confidence": min(confidences, default=None),
        "handoffs": sum(1 for event in events if event.get("event") == "action" and event.get("name") == HANDOFF_ACTION),
        "preview": " ".join(str(first_text).split())[:PREVIEW_LENGTH],
    }
    return ConversationDigest(summary, messages)


def _message_row(conversation_id: str, position: int, event: Mapping[str, Any]) -> Dict[str, Any]:
    """A customer message with what the NLU made of it."""
    intent = (event.get("parse_data") or {}).get("intent") or {}
    ranking = (event.get("parse_data") or {}).get("intent_ranking") or []
    confidence = intent.get("confidence")
    return {
        "conversation_id": conversation_id,
        "position": position,
        "text": event.get("text") or "",
        "intent": intent.get("name"),
        "best_guess": _best_guess(intent.get("name"), ranking),
        "confidence": None if confidence is None else float(confidence),
        "sent_at": None if event.get("timestamp") is None else _moment(event["timestamp"]),
    }


class ConversationIndex:
    """Keeps `conversation_summaries` and `conversation_messages` in step with the tracker store."""

    def __init__(self, engine: Engine, archive: ConversationArchive, chunk_size: int = 200) -> None:
        """Write summaries to `engine`, reading conversations from `archive`."""
        self._engine = engine
        self._archive = archive
        self._chunk_size = chunk_size
        self._lock = threading.Lock()

    def sync(self) -> int:
        """Re-summarise conversations with new events; return how many were updated."""
        with self._lock:
            last = self.last_event_id()
            changed, newest = self._archive.changed_since(last)
            for start in range(0, len(changed), self._chunk_size):
                chunk = changed[start:start + self._chunk_size]
                digests = [(cid, digest_conversation(cid, self._archive.events(cid))) for cid in chunk]
                self._replace(digests)
            if newest != last:
                self._set_last_event_id(newest)
            return len(changed)

    def last_event_id(self) -> int:
        """The newest tracker event already summarised (0 before the first sync)."""
        with self._engine.connect() as connection:
            value = connection.execute(
                sa.select(index_state_table.c.last_event_id).where(index_state_table.c.name == _STATE_KEY)
            ).scalar()
        return int(value or 0)

    def _replace(self, digests: List[Tuple[str, Optional[ConversationDigest]]]) -> None:
        """Swap in the new summaries and messages of a chunk of conversations in one transaction."""
        ids = [cid for cid, _ in digests]
        summaries = [digest.summary for _, digest in digests if digest is not None]
        messages = [message for _, digest in digests if digest is not None for message in digest.messages]
        with self._engine.begin() as connection:
            connection.execute(
                conversation_messages_table.delete().where(conversation_messages_table.c.conversation_id.in_(ids))
            )
            connection.execute(
                conversation_summaries_table.delete().where(conversation_summaries_table.c.conversation_id.in_(ids))
            )
            if summaries:
                connection.execute(conversation_summaries_table.insert(), summaries)
            if messages:
                connection.execute(conversation_messages_table.insert(), messages)

    def _set_last_event_id(self, event_id: int) -> None:
        """Remember how far the index has read."""
        with self._engine.begin() as connection:
            connection.execute(index_state_table.delete().where(index_state_table.c.name == _STATE_KEY))
            connection.execute(index_state_table.insert().values(name=_STATE_KEY, last_event_id=event_id))


def _best_guess(intent: Optional[str], ranking: List[Mapping[str, Any]]) -> Optional[str]:
    """The intent the bot leaned towards: the top-ranked one that is not a fallback."""
    if intent and intent not in NOT_UNDERSTOOD_INTENTS:
        return intent
    for candidate in ranking:
        name = candidate.get("name")
        if name and name not in NOT_UNDERSTOOD_INTENTS:
            return str(name)
    return None


def _moment(timestamp: Any) -> datetime:
    """Naive UTC datetime from a Unix timestamp, as our tables store times."""
    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).replace(tzinfo=None)
