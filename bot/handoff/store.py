"""The handoff store: every conversation handed to a person, with its timings and transcript.

The desk (Slack and web console) and the review app read and update handoffs only through
`HandoffStore`, so the rules about states and timestamps live in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata
from bot.records.reference_codes import new_reference

OPEN = "open"
CLAIMED = "claimed"
RESOLVED = "resolved"
ACTIVE_STATUSES = (OPEN, CLAIMED)
# `resolved_by` when the desk closes a handoff for the customer (they asked for the bot back) or on
# its own (open past the auto-close limit); otherwise it names the agent who resolved it.
RESOLVED_BY_CUSTOMER = "customer"
RESOLVED_BY_AUTO_CLOSE = "auto-close"

handoffs_table = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False, index=True),
    sa.Column("customer", sa.String(255), nullable=False, default=""),
    sa.Column("reason", sa.String(64), nullable=False, index=True),
    sa.Column("frustration_score", sa.Float, nullable=False, default=0.0),
    sa.Column("signals", sa.Text, nullable=False, default="[]"),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    sa.Column("claimed_at", sa.DateTime),
    sa.Column("claimed_by", sa.String(255)),
    sa.Column("first_human_reply_at", sa.DateTime),
    sa.Column("escalated_at", sa.DateTime),
    sa.Column("escalation_count", sa.Integer, nullable=False, default=0),
    sa.Column("desk_thread", sa.String(255), index=True),
    sa.Column("relayed_events", sa.Integer, nullable=False, default=0),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("resolved_by", sa.String(255)),
    sa.Column("resolution_note", sa.Text),
    sa.Column("transcript", sa.Text, nullable=False, default="[]"),
)

# At most one open or claimed handoff per conversation, even when two processes open at once.
sa.Index(
    "one_active_handoff_per_conversation",
    handoffs_table.c.conversation_id,
    unique=True,
    sqlite_where=handoffs_table.c.status.in_(ACTIVE_STATUSES),
    postgresql_where=handoffs_table.c.status.in_(ACTIVE_STATUSES),
)


class HandoffError(Exception):
    """An operation on a handoff that its current state does not allow."""


@dataclass(frozen=True)
class Handoff:
    """One conversation handed to a person."""

    id: str
    conversation_id: str
    channel: str
    customer: str
    reason: str
    frustration_score: float
    signals: Sequence[str]
    status: str
    created_at: datetime
    claimed_at: Optional[datetime] = None
    claimed_by: Optional[str] = None
    first_human_reply_at: Optional[datetime] = None
    escalated_at: Optional[datetime] = None
    escalation_count: int = 0
    desk_thread: Optional[str] = None
    relayed_events: int = 0
    resolved_at: Optional[datetime] = None
    resolved_by: Optional[str] = None
    resolution_note: Optional[str] = None
    transcript: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def seconds_to_human(self) -> Optional[float]:
        """Seconds from handoff to the first human reply (None until a person replied)."""
        if self.first_human_reply_at is None:
            return None
        return (self.first_human_reply_at - self.created_at).total_seconds()

    @property
    def handling_seconds(self) -> Optional[float]:
        """Seconds from handoff to resolution (None while open)."""
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.created_at).total_seconds()


@dataclass(frozen=True)
class ClaimResult:
    """Outcome of a claim: whether this agent got it, and who holds it."""

    claimed: bool
    handoff: Handoff


class HandoffStore:
    """Creates, claims and resolves handoffs in SQL; safe for concurrent agents and processes."""

    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        """Use `engine` (schema created by `bot.records.schema_migrations.create_schema`) and `clock` for times."""
        self._engine = engine
        self._clock = clock

    def open(
        self,
        conversation_id: str,
        channel: str,
        customer: str,
        reason: str,
        frustration_score: float,
        signals: Sequence[str],
        transcript: Sequence[Dict[str, Any]],
    ) -> Handoff:
        """Open a handoff, or return the conversation's active one so a customer is never queued twice."""
        existing = self.active_for_conversation(conversation_id)
        if existing is not None:
            return existing
        handoff_id = new_reference("H", 8)
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    handoffs_table.insert().values(
                        id=handoff_id,
                        conversation_id=conversation_id,
                        channel=channel,
                        customer=customer,
                        reason=reason,
                        frustration_score=float(frustration_score),
                        signals=json.dumps(list(signals)),
                        status=OPEN,
                        created_at=self._now(),
                        transcript=json.dumps(list(transcript), ensure_ascii=False),
                    )
                )
        except IntegrityError:
            raced = self.active_for_conversation(conversation_id)
            if raced is None:
                raise
            return raced
        return self.get(handoff_id)

    def get(self, handoff_id: str) -> Handoff:
        """The handoff with this id; raises `KeyError` when there is none."""
        with self._engine.connect() as connection:
            row = connection.execute(
                handoffs_table.select().where(handoffs_table.c.id == handoff_id)
            ).first()
        if row is None:
            raise KeyError(f"No handoff with id {handoff_id!r}.")
        return _to_handoff(row)

    def latest_for_conversation(self, conversation_id: str) -> Optional[Handoff]:
        """The conversation's most recent handoff, whatever its status (the one just closed, on hand-back)."""
        with self._engine.connect() as connection:
            row = connection.execute(
                handoffs_table.select()
                .where(handoffs_table.c.conversation_id == conversation_id)
                .order_by(handoffs_table.c.created_at.desc())
            ).first()
        return None if row is None else _to_handoff(row)

    def active_for_conversation(self, conversation_id: str) -> Optional[Handoff]:
        """The open or claimed handoff of a conversation, if any."""
        with self._engine.connect() as connection:
            row = connection.execute(
                handoffs_table.select()
                .where(handoffs_table.c.conversation_id == conversation_id)
                .where(handoffs_table.c.status.in_(ACTIVE_STATUSES))
                .order_by(handoffs_table.c.created_at.desc())
            ).first()
        return None if row is None else _to_handoff(row)

    def claim(self, handoff_id: str, agent: str) -> ClaimResult:
        """Claim an open handoff for `agent`; of two agents claiming at once exactly one wins."""
        with self._engine.begin() as connection:
            result = connection.execute(
                handoffs_table.update()
                .where(handoffs_table.c.id == handoff_id)
                .where(handoffs_table.c.status == OPEN)
                .values(status=CLAIMED, claimed_by=agent, claimed_at=self._now())
            )
        return ClaimResult(claimed=result.rowcount == 1, handoff=self.get(handoff_id))

    def record_human_reply(self, handoff_id: str) -> Handoff:
        """Note that a person replied; the first reply's time is kept for time-to-human."""
        with self._engine.begin() as connection:
            connection.execute(
                handoffs_table.update()
                .where(handoffs_table.c.id == handoff_id)
                .where(handoffs_table.c.first_human_reply_at.is_(None))
                .values(first_human_reply_at=self._now())
            )
        return self.get(handoff_id)

    def mark_escalated(self, handoff: Handoff) -> bool:
        """Record an escalation of a still-unclaimed handoff; False if another process (or a claim) got there first."""
        last = handoffs_table.c.escalated_at
        previous = None if handoff.escalated_at is None else handoff.escalated_at.replace(tzinfo=None)
        with self._engine.begin() as connection:
            result = connection.execute(
                handoffs_table.update()
                .where(handoffs_table.c.id == handoff.id)
                .where(handoffs_table.c.status == OPEN)
                .where(last.is_(None) if previous is None else last == previous)
                .values(escalated_at=self._now(), escalation_count=handoffs_table.c.escalation_count + 1)
            )
        return result.rowcount == 1

    def set_desk_thread(self, handoff_id: str, thread: str) -> None:
        """Remember where the desk posted the handoff (e.g. the Slack message's ts)."""
        with self._engine.begin() as connection:
            connection.execute(
                handoffs_table.update().where(handoffs_table.c.id == handoff_id).values(desk_thread=thread)
            )

    def by_desk_thread(self, thread: str) -> Optional[Handoff]:
        """The handoff posted as `thread` on the desk, if any."""
        with self._engine.connect() as connection:
            row = connection.execute(
                handoffs_table.select().where(handoffs_table.c.desk_thread == thread)
            ).first()
        return None if row is None else _to_handoff(row)

    def set_relayed_events(self, handoff_id: str, count: int) -> None:
        """Remember how many conversation events the desk has already relayed to agents."""
        with self._engine.begin() as connection:
            connection.execute(
                handoffs_table.update().where(handoffs_table.c.id == handoff_id).values(relayed_events=count)
            )

    def resolve(self, handoff_id: str, by: str, note: str = "") -> Handoff:
        """Close a handoff; resolving twice is an error so the bot resumes only once."""
        with self._engine.begin() as connection:
            result = connection.execute(
                handoffs_table.update()
                .where(handoffs_table.c.id == handoff_id)
                .where(handoffs_table.c.status.in_(ACTIVE_STATUSES))
                .values(
                    status=RESOLVED, resolved_at=self._now(), resolved_by=by, resolution_note=note
                )
            )
        if result.rowcount != 1:
            current = self.get(handoff_id)
            raise HandoffError(f"Handoff {handoff_id} is already {current.status}.")
        return self.get(handoff_id)

    def resolve_as_seen(self, seen: Handoff, by: str, note: str = "") -> Handoff:
        """Resolve `seen` only if it is still as it was read (same status, same agent): of two
        closes at once, in any processes, exactly one wins, and a close never ends a handoff that
        somebody claimed in between. The loser gets a `HandoffError` saying why."""
        claimed_by = handoffs_table.c.claimed_by
        with self._engine.begin() as connection:
            result = connection.execute(
                handoffs_table.update()
                .where(handoffs_table.c.id == seen.id)
                .where(handoffs_table.c.status == seen.status)
                .where(handoffs_table.c.status.in_(ACTIVE_STATUSES))
                .where(claimed_by.is_(None) if seen.claimed_by is None else claimed_by == seen.claimed_by)
                .values(status=RESOLVED, resolved_at=self._now(), resolved_by=by, resolution_note=note)
            )
        if result.rowcount != 1:
            raise HandoffError(_why_not_resolved(self.get(seen.id)))
        return self.get(seen.id)

    def undo_resolve(self, resolved: Handoff, previous: Handoff) -> bool:
        """Put a handoff back as `previous` after `resolve_as_seen` when the bot could not take the
        conversation back, so the close can be tried again; False when that is no longer possible
        (the conversation has a new active handoff, or the row changed since)."""
        resolved_at = None if resolved.resolved_at is None else resolved.resolved_at.replace(tzinfo=None)
        try:
            with self._engine.begin() as connection:
                result = connection.execute(
                    handoffs_table.update()
                    .where(handoffs_table.c.id == resolved.id)
                    .where(handoffs_table.c.status == RESOLVED)
                    .where(handoffs_table.c.resolved_at == resolved_at)
                    .where(handoffs_table.c.resolved_by == resolved.resolved_by)
                    .values(status=previous.status, resolved_at=None, resolved_by=None, resolution_note=None)
                )
        except IntegrityError:
            return False
        return result.rowcount == 1

    def queue(self) -> List[Handoff]:
        """Open and claimed handoffs, oldest first: the order agents should work them."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                handoffs_table.select()
                .where(handoffs_table.c.status.in_(ACTIVE_STATUSES))
                .order_by(handoffs_table.c.created_at.asc())
            ).all()
        return [_to_handoff(row) for row in rows]

    def _now(self) -> datetime:
        """Current time as a naive UTC datetime (portable across SQLite and PostgreSQL)."""
        return as_utc(self._clock()).replace(tzinfo=None)


def _why_not_resolved(current: Handoff) -> str:
    """Why a handoff read a moment ago can no longer be resolved as it was."""
    if current.status not in ACTIVE_STATUSES:
        return f"Handoff {current.id} is already {current.status}."
    if current.claimed_by:
        return f"Handoff {current.id} is being handled by {current.claimed_by}."
    return f"Handoff {current.id} changed while it was being closed; reload it and try again."


def _to_handoff(row: Row) -> Handoff:
    """Build a `Handoff` from a table row, with times as aware UTC datetimes."""
    values = dict(row._mapping)

    def moment(name: str) -> Optional[datetime]:
        value = values.get(name)
        return None if value is None else as_utc(value)

    return Handoff(
        id=values["id"],
        conversation_id=values["conversation_id"],
        channel=values["channel"],
        customer=values["customer"] or "",
        reason=values["reason"],
        frustration_score=float(values["frustration_score"] or 0.0),
        signals=tuple(json.loads(values["signals"] or "[]")),
        status=values["status"],
        created_at=as_utc(values["created_at"]),
        claimed_at=moment("claimed_at"),
        claimed_by=values["claimed_by"],
        first_human_reply_at=moment("first_human_reply_at"),
        escalated_at=moment("escalated_at"),
        escalation_count=int(values.get("escalation_count") or 0),
        desk_thread=values.get("desk_thread"),
        relayed_events=int(values.get("relayed_events") or 0),
        resolved_at=moment("resolved_at"),
        resolved_by=values["resolved_by"],
        resolution_note=values["resolution_note"],
        transcript=json.loads(values["transcript"] or "[]"),
    )
