"""Complaint tickets: every complaint gets a reference number the customer can quote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata
from bot.records.reference_codes import new_reference

tickets_table = sa.Table(
    "tickets",
    metadata,
    sa.Column("reference", sa.String(32), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("product", sa.String(255)),
    sa.Column("order_id", sa.String(64)),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class Ticket:
    """A logged complaint."""

    reference: str
    conversation_id: str
    channel: str
    text: str
    product: Optional[str]
    order_id: Optional[str]
    created_at: datetime


class TicketStore:
    """Logs complaints as tickets in SQL."""

    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        """Use `engine` and `clock` for creation times."""
        self._engine = engine
        self._clock = clock

    def log(
        self,
        conversation_id: str,
        channel: str,
        text: str,
        product: Optional[str] = None,
        order_id: Optional[str] = None,
    ) -> Ticket:
        """Store a complaint and return its ticket with a fresh reference."""
        ticket = Ticket(
            reference=new_reference("CS"),
            conversation_id=conversation_id,
            channel=channel,
            text=text,
            product=product,
            order_id=order_id,
            created_at=as_utc(self._clock()),
        )
        with self._engine.begin() as connection:
            connection.execute(
                tickets_table.insert().values(
                    reference=ticket.reference,
                    conversation_id=conversation_id,
                    channel=channel,
                    text=text,
                    product=product,
                    order_id=order_id,
                    created_at=ticket.created_at.replace(tzinfo=None),
                )
            )
        return ticket

    def get(self, reference: str) -> Ticket:
        """The ticket with this reference; raises `KeyError` when there is none."""
        with self._engine.connect() as connection:
            row = connection.execute(
                tickets_table.select().where(tickets_table.c.reference == reference)
            ).first()
        if row is None:
            raise KeyError(f"No ticket {reference!r}.")
        values = dict(row._mapping)
        values["created_at"] = as_utc(values["created_at"])
        return Ticket(**values)
