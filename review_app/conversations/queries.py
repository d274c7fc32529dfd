"""Reading all conversations for review, with the filters Rasa X offered its reviewers.

Works on the summaries kept by `review_app.conversations.index` and the flags and tags of
`review_app.conversations.review_notes`. A customer message counts as misunderstood when the NLU fell back or its
intent confidence is below the low-confidence threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from bot.clock import as_utc
from bot.handoff.escalation import NOT_UNDERSTOOD_INTENTS
from review_app.conversations.index import conversation_messages_table, conversation_summaries_table
from review_app.conversations.review_notes import reviews_table, tags_table
from review_app.handoffs.queries import date_range, last_page

REVIEWED = "yes"
UNREVIEWED = "no"

summaries = conversation_summaries_table
messages = conversation_messages_table


@dataclass(frozen=True)
class ConversationFilter:
    """What a reviewer narrowed the conversations to; empty fields do not filter."""

    intent: str = ""
    low_confidence: bool = False
    channel: str = ""
    since: Optional[date] = None
    until: Optional[date] = None
    min_messages: Optional[int] = None
    max_messages: Optional[int] = None
    reviewed: str = ""
    tag: str = ""


@dataclass(frozen=True)
class ConversationRow:
    """One conversation as the list shows it."""

    conversation_id: str
    channel: str
    started_at: datetime
    last_message_at: datetime
    customer_messages: int
    bot_messages: int
    agent_messages: int
    lowest_confidence: Optional[float]
    handoffs: int
    preview: str
    reviewed: bool
    tags: List[str] = field(default_factory=list)

    def as_record(self) -> Dict[str, Any]:
        """Plain values for CSV and JSON exports."""
        return {
            "conversation_id": self.conversation_id, "channel": self.channel,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "last_message_at": self.last_message_at.isoformat(timespec="seconds"),
            "customer_messages": self.customer_messages, "bot_messages": self.bot_messages,
            "agent_messages": self.agent_messages, "lowest_confidence": self.lowest_confidence,
            "handoffs": self.handoffs, "reviewed": self.reviewed, "tags": " ".join(self.tags),
            "first_message": self.preview,
        }


@dataclass(frozen=True)
class ConversationPage:
    """One page of the filtered conversations."""

    rows: List[ConversationRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the filtered list has (at least 1)."""
        return last_page(self.total, self.per_page)


@dataclass(frozen=True)
class MisunderstoodMessage:
    """A customer message the bot did not understand well, with what it guessed."""

    conversation_id: str
    text: str
    intent: Optional[str]
    best_guess: Optional[str]
    confidence: Optional[float]


@dataclass(frozen=True)
class ConversationFacets:
    """Values the filter menus offer."""

    intents: List[str]
    channels: List[str]
    tags: List[str]


class ConversationQueries:
    """Filtered, paginated reads of the conversation summaries."""

    def __init__(self, engine: Engine, low_confidence: float) -> None:
        """Read from `engine`; messages below `low_confidence` count as misunderstood."""
        self._engine = engine
        self.low_confidence = low_confidence

    def page(self, filters: ConversationFilter, page: int = 1, per_page: int = 50) -> ConversationPage:
        """The `page`-th page of matching conversations, most recently active first (the last page when past it)."""
        count_query = self._filtered(sa.select(sa.func.count()).select_from(summaries), filters)
        with self._engine.connect() as connection:
            total = int(connection.execute(count_query).scalar_one())
        page = min(max(1, page), last_page(total, per_page))
        rows = list(self.rows(filters, limit=per_page, offset=(page - 1) * per_page))
        return ConversationPage(rows, page, per_page, total)

    def rows(self, filters: ConversationFilter, limit: int = 100_000, offset: int = 0) -> Iterator[ConversationRow]:
        """Matching conversations, most recently active first, with their tags."""
        query = self._filtered(_listing(), filters).order_by(
            summaries.c.last_message_at.desc(), summaries.c.conversation_id
        )
        yield from self._fetch(query.limit(limit).offset(offset))

    def get(self, conversation_id: str) -> Optional[ConversationRow]:
        """One conversation's summary, if the index has it."""
        return next(self._fetch(_listing().where(summaries.c.conversation_id == conversation_id)), None)

    def misunderstood(self, filters: ConversationFilter, limit: int = 5000) -> List[MisunderstoodMessage]:
        """Customer messages the bot misunderstood in matching conversations, newest first."""
        in_filter = self._filtered(sa.select(summaries.c.conversation_id), filters)
        query = (
            sa.select(messages.c.conversation_id, messages.c.text, messages.c.intent,
                      messages.c.best_guess, messages.c.confidence)
            .where(messages.c.conversation_id.in_(in_filter))
            .where(self._misunderstood_condition())
            .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [MisunderstoodMessage(*row) for row in connection.execute(query)]

    def facets(self) -> ConversationFacets:
        """Distinct intents, channels and tags, for the filter menus."""
        with self._engine.connect() as connection:
            intents = connection.execute(
                sa.select(messages.c.intent).where(messages.c.intent.isnot(None)).distinct().order_by(messages.c.intent)
            ).scalars().all()
            channels = connection.execute(
                sa.select(summaries.c.channel).distinct().order_by(summaries.c.channel)
            ).scalars().all()
            tags = connection.execute(sa.select(tags_table.c.tag).distinct().order_by(tags_table.c.tag)).scalars().all()
        return ConversationFacets(list(intents), list(channels), list(tags))

    def _fetch(self, query: Select) -> Iterator[ConversationRow]:
        """Run a listing query and attach each conversation's tags."""
        with self._engine.connect() as connection:
            found = connection.execute(query).all()
            tags = _tags_of(connection, [row.conversation_id for row in found])
        for row in found:
            yield _to_row(row._mapping, tags.get(row.conversation_id, []))

    def _misunderstood_condition(self) -> ColumnElement:
        """A customer message the NLU fell back on or was unsure about."""
        return sa.or_(
            messages.c.intent.in_(sorted(NOT_UNDERSTOOD_INTENTS)),
            messages.c.confidence < self.low_confidence,
        )

    def _filtered(self, query: Select, filters: ConversationFilter) -> Select:
        """Add the WHERE clauses of `filters` to a query over the summaries."""
        cid = summaries.c.conversation_id
        conditions: List[ColumnElement] = []
        if filters.intent:
            conditions.append(cid.in_(sa.select(messages.c.conversation_id).where(messages.c.intent == filters.intent)))
        if filters.low_confidence:
            conditions.append(cid.in_(sa.select(messages.c.conversation_id).where(self._misunderstood_condition())))
        if filters.channel:
            conditions.append(summaries.c.channel == filters.channel)
        if filters.since is not None:
            conditions.extend(date_range(summaries.c.last_message_at, filters.since, None))
        if filters.until is not None:
            conditions.extend(date_range(summaries.c.started_at, None, filters.until))
        if filters.min_messages is not None:
            conditions.append(summaries.c.customer_messages >= filters.min_messages)
        if filters.max_messages is not None:
            conditions.append(summaries.c.customer_messages <= filters.max_messages)
        reviewed_ids = sa.select(reviews_table.c.conversation_id)
        if filters.reviewed == REVIEWED:
            conditions.append(cid.in_(reviewed_ids))
        elif filters.reviewed == UNREVIEWED:
            conditions.append(cid.not_in(reviewed_ids))
        if filters.tag:
            conditions.append(cid.in_(sa.select(tags_table.c.conversation_id).where(tags_table.c.tag == filters.tag)))
        return query.where(*conditions) if conditions else query


def _listing() -> Select:
    """Summaries with their reviewed flag."""
    reviewed = reviews_table.c.conversation_id.isnot(None).label("reviewed")
    return sa.select(summaries, reviewed).select_from(
        summaries.outerjoin(reviews_table, reviews_table.c.conversation_id == summaries.c.conversation_id)
    )


def _tags_of(connection: Connection, conversation_ids: List[str], chunk: int = 500) -> Dict[str, List[str]]:
    """Tags of the given conversations (looked up `chunk` ids at a time)."""
    found: Dict[str, List[str]] = {}
    for start in range(0, len(conversation_ids), chunk):
        query = (
            sa.select(tags_table.c.conversation_id, tags_table.c.tag)
            .where(tags_table.c.conversation_id.in_(conversation_ids[start:start + chunk]))
            .order_by(tags_table.c.tag)
        )
        for conversation_id, tag in connection.execute(query):
            found.setdefault(conversation_id, []).append(tag)
    return found


def _to_row(values: Any, tags: List[str]) -> ConversationRow:
    """A `ConversationRow` from a result mapping."""
    return ConversationRow(
        conversation_id=values["conversation_id"], channel=values["channel"],
        started_at=as_utc(values["started_at"]), last_message_at=as_utc(values["last_message_at"]),
        customer_messages=int(values["customer_messages"]), bot_messages=int(values["bot_messages"]),
        agent_messages=int(values["agent_messages"]), lowest_confidence=values["lowest_confidence"],
        handoffs=int(values["handoffs"]), preview=values["preview"], reviewed=bool(values["reviewed"]),
        tags=tags,
    )
