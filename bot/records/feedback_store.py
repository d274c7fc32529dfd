"""Customer feedback, kept word for word so the team can read it."""

from __future__ import annotations

from typing import List

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata

feedback_table = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


class FeedbackStore:
    """Records feedback messages in SQL."""

    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        """Use `engine` and `clock` for creation times."""
        self._engine = engine
        self._clock = clock

    def record(self, conversation_id: str, channel: str, text: str) -> int:
        """Store one piece of feedback and return its id."""
        with self._engine.begin() as connection:
            result = connection.execute(
                feedback_table.insert().values(
                    conversation_id=conversation_id,
                    channel=channel,
                    text=text,
                    created_at=as_utc(self._clock()).replace(tzinfo=None),
                )
            )
        return int(result.inserted_primary_key[0])

    def for_conversation(self, conversation_id: str) -> List[str]:
        """Feedback texts of one conversation, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(feedback_table.c.text)
                .where(feedback_table.c.conversation_id == conversation_id)
                .order_by(feedback_table.c.id)
            ).all()
        return [row.text for row in rows]
