"""Reading handoffs for review: filters, full-text search, pagination and counts.

Lists select only the columns a row shows (never the transcript), newest first. Search finds
handoffs whose transcript has, for every word of the query, a word starting with it
(case- and accent-insensitive; see `review_app.handoffs.digest`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement, Select

from bot.clock import as_utc
from bot.handoff.store import CLAIMED, OPEN, RESOLVED, Handoff, handoffs_table
from review_app.handoffs.digest import matches_words, query_words, search_terms

STATUSES = (OPEN, CLAIMED, RESOLVED)
MAX_SEARCH_WORDS = 8

_LIST_COLUMNS = (
    handoffs_table.c.id, handoffs_table.c.conversation_id, handoffs_table.c.channel,
    handoffs_table.c.customer, handoffs_table.c.reason, handoffs_table.c.frustration_score,
    handoffs_table.c.status, handoffs_table.c.created_at, handoffs_table.c.claimed_at,
    handoffs_table.c.claimed_by, handoffs_table.c.first_human_reply_at,
    handoffs_table.c.resolved_at, handoffs_table.c.resolved_by,
)


@dataclass(frozen=True)
class HandoffFilter:
    """What a reviewer narrowed the list to; empty fields do not filter."""

    status: str = ""
    channel: str = ""
    reason: str = ""
    agent: str = ""
    since: Optional[date] = None
    until: Optional[date] = None
    search: str = ""

    @property
    def search_words(self) -> List[str]:
        """The words of the search as the word index holds them (at most `MAX_SEARCH_WORDS`)."""
        return query_words(self.search, MAX_SEARCH_WORDS)

    @property
    def unsearchable_words(self) -> List[str]:
        """Words typed in the search that hold no word the index keeps (one letter, emoji, punctuation)."""
        typed = dict.fromkeys(self.search.split())
        return [word for word in typed if not search_terms(word)]

    @property
    def words_past_limit(self) -> List[str]:
        """Words of the search after the first `MAX_SEARCH_WORDS`, which the search leaves out."""
        return search_terms(self.search)[MAX_SEARCH_WORDS:]


def handoff_record(handoff: Handoff) -> Dict[str, Any]:
    """Plain values of a handoff's list columns and timing figures, for CSV and JSON exports."""
    return {
        "id": handoff.id, "conversation_id": handoff.conversation_id, "channel": handoff.channel,
        "customer": handoff.customer, "reason": handoff.reason,
        "frustration_score": round(handoff.frustration_score, 3), "status": handoff.status,
        "created_at": _iso(handoff.created_at), "claimed_at": _iso(handoff.claimed_at),
        "claimed_by": handoff.claimed_by or "", "first_human_reply_at": _iso(handoff.first_human_reply_at),
        "resolved_at": _iso(handoff.resolved_at), "resolved_by": handoff.resolved_by or "",
        "seconds_to_human": handoff.seconds_to_human, "handling_seconds": handoff.handling_seconds,
    }


@dataclass(frozen=True)
class HandoffPage:
    """One page of a filtered list, with the counts per status under the same filters."""

    rows: List[Handoff]
    page: int
    per_page: int
    total: int
    status_counts: Dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages the filtered list has (at least 1)."""
        return last_page(self.total, self.per_page)


@dataclass(frozen=True)
class HandoffFacets:
    """The values the filters offer: channels, reasons and agents seen so far."""

    channels: List[str]
    reasons: List[str]
    agents: List[str]


class HandoffQueries:
    """Filtered, searchable, paginated reads of the handoff store."""

    def __init__(self, engine: Engine) -> None:
        """Read from `engine` (digests kept up to date by `HandoffDigests.sync`)."""
        self._engine = engine

    def page(self, filters: HandoffFilter, page: int = 1, per_page: int = 50) -> HandoffPage:
        """The `page`-th page of handoffs matching `filters`, newest first (the last page when past it)."""
        counts = self.status_counts(filters)
        total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
        page = min(max(1, page), last_page(total, per_page))
        query = (
            self._filtered(sa.select(*_LIST_COLUMNS), filters)
            .order_by(handoffs_table.c.created_at.desc(), handoffs_table.c.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        with self._engine.connect() as connection:
            rows = [_list_handoff(row._mapping) for row in connection.execute(query)]
        return HandoffPage(rows, page, per_page, total, counts)

    def status_counts(self, filters: HandoffFilter) -> Dict[str, int]:
        """How many handoffs per status match every filter except the status."""
        without_status = dataclasses.replace(filters, status="")
        query = self._filtered(
            sa.select(handoffs_table.c.status, sa.func.count()), without_status
        ).group_by(handoffs_table.c.status)
        with self._engine.connect() as connection:
            counts = {status: int(count) for status, count in connection.execute(query)}
        return {status: counts.get(status, 0) for status in STATUSES}

    def rows(self, filters: HandoffFilter, limit: int = 100_000) -> Iterator[Handoff]:
        """Every handoff matching `filters`, newest first (for exports)."""
        query = (
            self._filtered(sa.select(*_LIST_COLUMNS), filters)
            .order_by(handoffs_table.c.created_at.desc(), handoffs_table.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                yield _list_handoff(row._mapping)

    def for_conversation(self, conversation_id: str) -> List[Handoff]:
        """Every handoff of one conversation, oldest first."""
        query = (
            sa.select(*_LIST_COLUMNS)
            .where(handoffs_table.c.conversation_id == conversation_id)
            .order_by(handoffs_table.c.created_at)
        )
        with self._engine.connect() as connection:
            return [_list_handoff(row._mapping) for row in connection.execute(query)]

    def facets(self) -> HandoffFacets:
        """Distinct channels, reasons and agents, for the filter menus."""
        with self._engine.connect() as connection:
            def distinct(column: Any) -> List[str]:
                query = sa.select(column).where(column.isnot(None)).distinct().order_by(column)
                return [value for value in connection.execute(query).scalars() if value]

            agents = sorted(set(distinct(handoffs_table.c.claimed_by)) | set(distinct(handoffs_table.c.resolved_by)))
            return HandoffFacets(
                channels=distinct(handoffs_table.c.channel),
                reasons=distinct(handoffs_table.c.reason),
                agents=agents,
            )

    def _filtered(self, query: Select, filters: HandoffFilter) -> Select:
        """Add the WHERE clauses of `filters` to `query`."""
        conditions: List[ColumnElement] = []
        if filters.status:
            conditions.append(handoffs_table.c.status == filters.status)
        if filters.channel:
            conditions.append(handoffs_table.c.channel == filters.channel)
        if filters.reason:
            conditions.append(handoffs_table.c.reason == filters.reason)
        if filters.agent:
            conditions.append(
                sa.or_(handoffs_table.c.claimed_by == filters.agent, handoffs_table.c.resolved_by == filters.agent)
            )
        conditions.extend(date_range(handoffs_table.c.created_at, filters.since, filters.until))
        conditions.extend(matches_words(handoffs_table.c.id, filters.search_words))
        return query.where(*conditions) if conditions else query


def last_page(total: int, per_page: int) -> int:
    """The number of the last page of a list of `total` items (1 for an empty list)."""
    return max(1, -(-total // per_page))


def date_range(column: Any, since: Optional[date], until: Optional[date]) -> List[ColumnElement]:
    """Conditions keeping `column` (naive UTC datetime) within the days since..until, both included."""
    conditions: List[ColumnElement] = []
    if since is not None:
        conditions.append(column >= datetime.combine(since, time.min))
    if until is not None and until < date.max:
        conditions.append(column < datetime.combine(until + timedelta(days=1), time.min))
    return conditions


def _list_handoff(values: Any) -> Handoff:
    """A `Handoff` (without signals or transcript) from a result mapping, times as aware UTC."""
    def moment(name: str) -> Optional[datetime]:
        value = values[name]
        return None if value is None else as_utc(value)

    return Handoff(
        id=values["id"], conversation_id=values["conversation_id"], channel=values["channel"],
        customer=values["customer"] or "", reason=values["reason"],
        frustration_score=float(values["frustration_score"] or 0.0), signals=(), status=values["status"],
        created_at=as_utc(values["created_at"]), claimed_at=moment("claimed_at"),
        claimed_by=values["claimed_by"], first_human_reply_at=moment("first_human_reply_at"),
        resolved_at=moment("resolved_at"), resolved_by=values["resolved_by"],
    )


def _iso(moment: Optional[datetime]) -> str:
    """ISO-8601 text of a time, empty when unknown."""
    return "" if moment is None else moment.isoformat(timespec="seconds")

