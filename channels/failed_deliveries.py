"""Replies that could not be delivered after every retry, kept where operators can see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import List

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from channels.clock import Clock
from channels.sql_calls import run_sql
from channels.tables import failed_deliveries


@dataclass(frozen=True)
class FailedDelivery:
    """One reply that never reached the customer."""

    channel: str
    conversation_id: str
    text: str
    error: str
    attempts: int
    failed_at: datetime


class FailedDeliveryLog:
    """The `failed_deliveries` table."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        """Write to `engine` (tables must exist), timestamped by `clock`."""
        self._engine = engine
        self._clock = clock

    async def record(
        self, channel: str, conversation_id: str, text: str, error: str, attempts: int
    ) -> None:
        """Store one failed reply with the conversation it belongs to."""
        row = {
            "channel": channel,
            "conversation_id": conversation_id,
            "text": text,
            "error": error[:2000],
            "attempts": attempts,
            "failed_at": datetime.fromtimestamp(self._clock.time(), tz=timezone.utc),
        }
        await run_sql(self._engine, lambda: self._insert(row))

    async def recent(self, limit: int = 50) -> List[FailedDelivery]:
        """The latest failures, newest first."""
        return await run_sql(self._engine, lambda: self._select(limit))

    def _insert(self, row: dict) -> None:
        with self._engine.begin() as conn:
            conn.execute(sa.insert(failed_deliveries).values(**row))

    def _select(self, limit: int) -> List[FailedDelivery]:
        query = (
            sa.select(failed_deliveries)
            .order_by(failed_deliveries.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                FailedDelivery(
                    channel=row.channel,
                    conversation_id=row.conversation_id,
                    text=row.text,
                    error=row.error,
                    attempts=row.attempts,
                    failed_at=row.failed_at,
                )
                for row in conn.execute(query)
            ]
