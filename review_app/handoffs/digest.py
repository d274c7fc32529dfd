"""Search terms and intents of every handoff's transcript, kept next to the handoffs table.

A handoff's stored transcript never changes after it opens, so each is digested once, lazily:
`HandoffDigests.sync()` picks up the handoffs that have no digest yet. Search uses a word index
(`handoff_terms`, one row per distinct word of a transcript) instead of scanning transcript JSON,
so it stays fast with many handoffs, works the same on SQLite and PostgreSQL, and never matches
JSON keys such as "role" or "text". The index holds words folded by `fold_case_and_accents`, and
queries are folded the same way, so "zoe" finds "Zoë" and "strasse" finds "Straße".
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

from bot.handoff.store import handoffs_table
from bot.records.database import metadata
from bot.transcript import CUSTOMER
from review_app.handoffs.folding import fold_case_and_accents

MAX_TERM_LENGTH = 40
MIN_TERM_LENGTH = 2
_WORD = re.compile(r"\w+")

# Byte-wise ordering on PostgreSQL too, so a prefix is a contiguous index range on both databases.
_TERM_TYPE = sa.String(MAX_TERM_LENGTH).with_variant(sa.String(MAX_TERM_LENGTH, collation="C"), "postgresql")

handoff_digests_table = sa.Table(
    "handoff_digests",
    metadata,
    sa.Column("handoff_id", sa.String(32), primary_key=True),
    sa.Column("customer_messages", sa.Integer, nullable=False),
)

handoff_terms_table = sa.Table(
    "handoff_terms",
    metadata,
    sa.Column("term", _TERM_TYPE, primary_key=True),
    sa.Column("handoff_id", sa.String(32), primary_key=True),
)

handoff_intents_table = sa.Table(
    "handoff_intents",
    metadata,
    sa.Column("handoff_id", sa.String(32), primary_key=True),
    sa.Column("intent", sa.String(255), primary_key=True, index=True),
)


@dataclass(frozen=True)
class Digest:
    """What search and metrics need from one transcript."""

    terms: Tuple[str, ...]
    customer_messages: int
    intents: Tuple[str, ...]


def search_terms(text: str) -> List[str]:
    """The distinct case- and accent-folded words of `text` worth indexing (2-40 characters), in order."""
    found: Dict[str, None] = {}
    for word in _WORD.findall(fold_case_and_accents(text)):
        if len(word) >= MIN_TERM_LENGTH:
            found.setdefault(word[:MAX_TERM_LENGTH])
    return list(found)


def digest_transcript(transcript: Sequence[Mapping[str, Any]], *extra: str) -> Digest:
    """Words of every message (and of `extra`, e.g. the reference), and the customer's intents in order."""
    texts = [str(line.get("text") or "") for line in transcript]
    intents: List[str] = []
    customer_messages = 0
    for line in transcript:
        if line.get("role") != CUSTOMER:
            continue
        customer_messages += 1
        intent = line.get("intent")
        if intent and intent not in intents:
            intents.append(str(intent))
    return Digest(tuple(search_terms("\n".join([*extra, *texts]))), customer_messages, tuple(intents))


def matches_words(handoff_id: Any, words: Sequence[str]) -> List[ColumnElement]:
    """Conditions: the handoff's transcript has a word starting with each of `words`."""
    conditions: List[ColumnElement] = []
    for word in words:
        prefix = word[:MAX_TERM_LENGTH]
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        conditions.append(handoff_id.in_(
            sa.select(handoff_terms_table.c.handoff_id)
            .where(handoff_terms_table.c.term >= prefix)
            .where(handoff_terms_table.c.term < following)
        ))
    return conditions


def query_words(search: str, limit: int) -> List[str]:
    """The words of a search query as the index holds them (at most `limit`)."""
    return search_terms(search)[:limit]


class HandoffDigests:
    """Keeps a digest for every handoff; call `sync()` before searching or counting intents."""

    def __init__(self, engine: Engine, batch_size: int = 500) -> None:
        """Digest handoffs in `engine`, `batch_size` at a time."""
        self._engine = engine
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def sync(self) -> int:
        """Digest every handoff that has none yet; return how many were added."""
        added = 0
        with self._lock:
            if not self._behind():
                return 0
            while True:
                batch = self._undigested()
                if not batch:
                    return added
                added += self._store(batch)

    def _behind(self) -> bool:
        """True when some handoff may lack a digest (two cheap counts instead of an anti-join)."""
        with self._engine.connect() as connection:
            handoffs = connection.execute(sa.select(sa.func.count()).select_from(handoffs_table)).scalar_one()
            digests = connection.execute(sa.select(sa.func.count()).select_from(handoff_digests_table)).scalar_one()
        return handoffs != digests

    def _undigested(self) -> List[Tuple[str, Digest]]:
        """The next batch of handoffs without a digest, digested in memory."""
        has_digest = sa.exists().where(handoff_digests_table.c.handoff_id == handoffs_table.c.id)
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(
                    handoffs_table.c.id, handoffs_table.c.transcript,
                    handoffs_table.c.customer, handoffs_table.c.conversation_id,
                )
                .where(~has_digest)
                .limit(self._batch_size)
            ).all()
        return [
            (row.id, digest_transcript(json.loads(row.transcript or "[]"), row.id, row.customer or "",
                                       row.conversation_id))
            for row in rows
        ]

    def _store(self, batch: List[Tuple[str, Digest]]) -> int:
        """Insert a batch; if another process got there first, insert the rest one by one.

        An insert that fails while the handoff still has no digest is not a race (e.g. a table of
        an older shape): it is raised, since skipping it would select the same batch forever.
        """
        try:
            with self._engine.begin() as connection:
                _insert(connection, batch)
            return len(batch)
        except IntegrityError:
            stored = 0
            for item in batch:
                try:
                    with self._engine.begin() as connection:
                        _insert(connection, [item])
                    stored += 1
                except IntegrityError:
                    if not self._has_digest(item[0]):
                        raise
            return stored

    def _has_digest(self, handoff_id: str) -> bool:
        """True when `handoff_id` has a digest (stored by this or another process)."""
        with self._engine.connect() as connection:
            found = connection.execute(
                sa.select(handoff_digests_table.c.handoff_id).where(handoff_digests_table.c.handoff_id == handoff_id)
            ).first()
        return found is not None


def _insert(connection: Connection, batch: List[Tuple[str, Digest]]) -> None:
    """Write digests, their words and their intents."""
    connection.execute(handoff_digests_table.insert(), [
        {"handoff_id": handoff_id, "customer_messages": digest.customer_messages} for handoff_id, digest in batch
    ])
    terms = [{"term": term, "handoff_id": handoff_id} for handoff_id, digest in batch for term in digest.terms]
    if terms:
        connection.execute(handoff_terms_table.insert(), terms)
    intents = [{"handoff_id": handoff_id, "intent": intent} for handoff_id, digest in batch for intent in digest.intents]
    if intents:
        connection.execute(handoff_intents_table.insert(), intents)

