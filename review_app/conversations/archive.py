"""Read-only access to Rasa's SQL tracker store, which holds every conversation as events.

Rasa owns the `events` table (columns id, sender_id, type_name, timestamp, intent_name,
action_name, data as JSON text); this module only reads it and never creates or changes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

tracker_metadata = sa.MetaData()

tracker_events_table = sa.Table(
    "events",
    tracker_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def open_tracker_engine(url: str) -> Engine:
    """An engine that reads the tracker store: SQLite files are opened read-only."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != prefix + ":memory:":
        path = Path(url[len(prefix):])
        return sa.create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true", future=True, connect_args={"timeout": 10}
        )
    engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True)
    return engine


class ConversationArchive:
    """Every conversation Rasa has stored, read event by event."""

    def __init__(self, engine: Engine) -> None:
        """Read from the tracker store behind `engine` (see `open_tracker_engine`)."""
        self._engine = engine
        self._available = False

    @property
    def url(self) -> str:
        """Where the tracker store is, without a password (for messages to users)."""
        return self._engine.url.render_as_string(hide_password=True)

    def available(self) -> bool:
        """True once the tracker store exists and has its `events` table."""
        if not self._available:
            try:
                self._available = sa.inspect(self._engine).has_table("events")
            except SQLAlchemyError:
                self._available = False
        return self._available

    def events(self, conversation_id: str) -> List[Dict[str, Any]]:
        """The conversation's events as dicts, oldest first (empty when unknown)."""
        if not self.available():
            return []
        query = (
            sa.select(tracker_events_table.c.data)
            .where(tracker_events_table.c.sender_id == conversation_id)
            .order_by(tracker_events_table.c.id)
        )
        with self._engine.connect() as connection:
            return [json.loads(data) for data in connection.execute(query).scalars() if data]

    def changed_since(self, event_id: int) -> Tuple[List[str], int]:
        """Conversations with events after `event_id`, and the newest event id seen."""
        if not self.available():
            return [], event_id
        query = (
            sa.select(tracker_events_table.c.sender_id, sa.func.max(tracker_events_table.c.id))
            .where(tracker_events_table.c.id > event_id)
            .group_by(tracker_events_table.c.sender_id)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        newest = max((int(row[1]) for row in rows), default=event_id)
        return sorted(row[0] for row in rows), newest
