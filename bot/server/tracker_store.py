"""Rasa's SQL tracker store with its failures made loud instead of silent.

Rasa wraps every tracker store in `FailSafeTrackerStore`: a failed save goes to memory and a
failed read starts the conversation afresh, each with one log line and nothing else. Here a
failing database call is first retried for a few seconds (a PostgreSQL restart or fail-over);
if it still fails it is logged as an error, counted in `failures` and reported by readiness
(`bot/server/health.py`), and a conversation whose history could not be read is never saved over.

One read and one append per turn: Rasa's save counts the conversation's stored events again
(a second query on the conversation) and writes each new event through the ORM. Here a save of a
tracker this store read or wrote appends just its new events (`bot/server/stored_events.py`) in
one transaction and one INSERT statement, without reading; a tracker it does not know (one built
from an HTTP request, or after a failed read) still goes through Rasa's count. One instance at a
time works on a conversation (the lock store), as for Rasa's own save. Reads run Rasa's query
for the `id` and `data` columns only, without building ORM objects, from statements built once.
Within a customer's turn, the tracker its previous turn saved is taken back instead of read while
the conversation's newest stored row is still that turn's (`bot/server/kept_trackers.py`).

Configured in endpoints: `tracker_store: type: bot.server.tracker_store.LoudSQLTrackerStore` with the
same keys as Rasa's `SQL` store (`url` may be a full `postgresql://` URL) plus `retry_seconds`,
`lean` (false: Rasa's own queries for every read and save) and `kept_conversations`. On SQLite
(the local default) it also writes in WAL mode through a pooled connection.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set, Tuple, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import exc as sa_exc

from bot.records.database import create_sqlite_engine_for_small_writes, sqlite_file_path
from bot.server.kept_trackers import KeptTrackers, TurnConversation, turn_of
from bot.server.stored_events import StoredEvents

logger = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store failed after its retries, or refused to overwrite an unread conversation."""


@dataclass
class StoreFailures:
    """Failed tracker-store calls that Rasa then covered with its in-memory fallback."""

    count: int = 0
    last_at: Optional[float] = None
    last_error: str = ""

    def record(self, operation: str, error: BaseException) -> None:
        """Count one failure and log it as an error (no conversation id or text in the line)."""
        self.count += 1
        self.last_at = time.monotonic()
        self.last_error = f"{operation}: {type(error).__name__}"
        logger.error(
            "tracker_store.failure operation=%s error=%s failures=%d: Rasa falls back to memory for "
            "this message; readiness reports the instance unready (docs/deploy.md, 'Tracker store').",
            operation, type(error).__name__, self.count,
        )

    def seconds_since_last(self) -> Optional[float]:
        """Seconds since the latest failure, or None if there was none."""
        return None if self.last_at is None else time.monotonic() - self.last_at


class LoudSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that retries transient database errors, then fails loudly and safely."""

    def __init__(
        self, retry_seconds: float = 5.0, lean: bool = True, kept_conversations: int = 200, **kwargs: Any
    ) -> None:
        """Accept Rasa's `SQL` tracker store keys plus `retry_seconds` (how long to ride out errors),
        `lean` (read without the ORM, append a known tracker's new events without reading;
        false: Rasa's own queries) and `kept_conversations` (with `lean`: how many conversations'
        trackers stay in memory between their turns, `bot.server.kept_trackers`; 0: none).

        On a SQLite file, Rasa's engine is replaced by a pooled one in WAL mode: Rasa's opens the
        file again and syncs it to disk for every save, several milliseconds of each bot turn.
        """
        self._kept = KeptTrackers(int(kept_conversations) if lean else 0)
        super().__init__(**kwargs)
        self.retry_seconds = float(retry_seconds)
        self.lean = bool(lean)
        self.failures = StoreFailures()
        self._unread: Set[str] = set()
        self._stored = StoredEvents()
        self._statements = _EventStatements(self.SQLEvent.__table__)
        url = str(self.engine.url)
        if sqlite_file_path(url) is not None:
            self.engine.dispose()
            self.engine = create_sqlite_engine_for_small_writes(url, future=False)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    @property  # type: ignore[override]
    def domain(self) -> Domain:
        """The domain trackers are built with."""
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        """Use `domain` from now on; trackers kept with another domain's slots are dropped."""
        domain = domain or Domain.empty()
        if domain is not getattr(self, "_domain", None):
            self._kept.clear()
        self._domain = domain

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """Read the latest session; a failure marks the conversation so it is not saved over.

        In a turn of this conversation, the tracker its previous turn saved is given back instead
        when the conversation's newest stored row is still the one that turn wrote.
        """
        parent = super(LoudSQLTrackerStore, self).retrieve
        turn = turn_of(sender_id) if self._kept.size else None
        if turn is None:
            return await self._read("retrieve", sender_id, lambda: parent(sender_id))
        return await self._read("retrieve", sender_id, lambda: self._retrieve_for_turn(turn))

    async def _retrieve_for_turn(self, turn: TurnConversation) -> Optional[DialogueStateTracker]:
        """The kept tracker if the database has nothing newer, else a read; `turn` learns the
        newest stored row the returned tracker holds everything up to."""
        turn.newest_row = None
        if self._kept.is_shared(turn.sender_id):
            return self._read_events(turn.sender_id, fetch_events_from_all_sessions=False)[0]
        tracker = None
        if turn.sender_id in self._kept:
            newest_row = self._newest_row(turn.sender_id)
            tracker = self._kept.take(turn.sender_id, newest_row)
        if tracker is None:
            tracker, newest_row = self._read_events(turn.sender_id, fetch_events_from_all_sessions=False)
        turn.tracker, turn.newest_row = tracker, newest_row
        return tracker

    def _newest_row(self, sender_id: str) -> int:
        """The id of the conversation's newest stored event (0: none)."""
        with self.engine.connect() as connection:
            newest = connection.execute(self._statements.newest_row, {"sender_id": sender_id}).scalar()
        return int(newest or 0)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        """Read every session of the conversation, with the same care as `retrieve`."""
        parent = super(LoudSQLTrackerStore, self).retrieve_full_tracker
        return await self._read("retrieve_full_tracker", conversation_id, lambda: parent(conversation_id))

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Rasa's read (the latest session, or all), selecting only the events' JSON."""
        if not self.lean:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        return self._read_events(sender_id, fetch_events_from_all_sessions)[0]

    def _read_events(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Tuple[Optional[DialogueStateTracker], int]:
        """The tracker of the latest session (or all) and the newest of the rows it was built
        from (0: none; a row after it that the session's dates leave out makes it older than the
        conversation's newest, which only ever makes a kept tracker be read again)."""
        query = self._statements.all_sessions if fetch_events_from_all_sessions else self._statements.latest_session
        with self.engine.connect() as connection:
            rows = connection.execute(query, {"sender_id": sender_id}).all()
        if not (self.domain and rows):
            return None, 0
        stored = [json.loads(data) for _, data in rows]
        return DialogueStateTracker.from_dict(sender_id, stored, self.domain.slots), int(rows[-1][0])

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store new events; refuse when this conversation's history could not be read just before."""
        if tracker.sender_id in self._unread:
            self._unread.discard(tracker.sender_id)
            error = TrackerStoreUnavailable(
                "Not saving a conversation whose stored history could not be read: "
                "saving the fresh tracker Rasa built instead would corrupt it."
            )
            self.failures.record("save", error)
            raise error
        new_events = self._stored.unstored(tracker) if self.lean else None
        turn = turn_of(tracker.sender_id)
        self._kept.drop(tracker.sender_id)
        since_row = turn.row_of(tracker) if turn is not None and new_events is not None else None
        if turn is not None:
            turn.newest_row = None
        if new_events is None:
            self._stored.forget(tracker.sender_id)
            parent = super(LoudSQLTrackerStore, self).save
            await self._with_retries("save", lambda: parent(tracker))
            return
        newest_row = since_row
        if new_events:
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            newest_row = await self._with_retries(
                "save", lambda: self._append(tracker.sender_id, new_events, since_row)
            )
        self._stored.mark_stored(tracker)
        if turn is not None and newest_row is not None and _continues_session(tracker, len(new_events)):
            turn.tracker, turn.newest_row = tracker, newest_row
            self._kept.keep(tracker, newest_row)

    async def keys(self) -> Iterable[str]:
        """All conversation ids."""
        parent = super(LoudSQLTrackerStore, self).keys
        return await self._with_retries("keys", parent)

    async def ping(self) -> bool:
        """True when the database answers a trivial query (for readiness)."""

        def query() -> None:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))

        try:
            await asyncio.to_thread(query)
            return True
        except sa_exc.SQLAlchemyError:
            return False

    async def _append(
        self, sender_id: str, events: List[Event], since_row: Optional[int] = None
    ) -> Optional[int]:
        """Insert `events` as rows of Rasa's `events` table, all in one transaction and statement.

        With `since_row` (the newest stored row the tracker holds everything up to), the same
        transaction then checks that the rows after it are exactly the ones inserted and returns
        the newest: None when another writer's rows are among them.
        """
        rows = [self._row(sender_id, event) for event in events]
        with self.engine.begin() as connection:
            connection.execute(self._statements.insert, rows)
            if since_row is None:
                return None
            count, newest = connection.execute(
                self._statements.rows_since, {"sender_id": sender_id, "since_row": since_row}
            ).one()
        return int(newest) if count == len(rows) else None

    @staticmethod
    def _row(sender_id: str, event: Event) -> Dict[str, Any]:
        """The row Rasa's own save writes for `event` (same columns, same JSON)."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    async def _read(
        self, operation: str, conversation_id: str, read: Callable[[], Awaitable[Optional[DialogueStateTracker]]]
    ) -> Optional[DialogueStateTracker]:
        try:
            tracker = await self._with_retries(operation, read)
        except Exception:
            self._unread.add(conversation_id)
            self._stored.forget(conversation_id)
            raise
        self._unread.discard(conversation_id)
        if tracker is None:
            self._stored.mark_absent(conversation_id)
        else:
            self._stored.mark_stored(tracker)
        return tracker

    async def _with_retries(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call`, retrying transient errors until `retry_seconds` pass; count a final failure."""
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.1
        while True:
            try:
                return await call()
            except TRANSIENT_ERRORS as error:
                if time.monotonic() + delay > deadline:
                    self.failures.record(operation, error)
                    raise
                logger.warning("tracker_store.retry operation=%s error=%s", operation, type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
            except Exception as error:
                self.failures.record(operation, error)
                raise


class _EventStatements:
    """The store's statements on Rasa's `events` table, built once with the conversation id as a
    parameter: SQLAlchemy then finds each compiled statement by a key it computed once, instead
    of building and keying the query again for every read (about 0.1 ms of each turn)."""

    def __init__(self, table: sa.Table) -> None:
        """Rasa's queries for the latest session and for every session, and the row insert."""
        events = table.c
        sender_id = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(events.timestamp))
            .where(events.sender_id == sender_id, events.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        self.all_sessions = (
            sa.select(events.id, events.data).where(events.sender_id == sender_id).order_by(events.id)
        )
        self.latest_session = (
            sa.select(events.id, events.data)
            .where(events.sender_id == sender_id)
            .where(sa.or_(events.timestamp >= session_start, session_start.is_(None)))
            .order_by(events.id)
        )
        self.insert = table.insert()
        self.newest_row = sa.select(sa.func.max(events.id)).where(events.sender_id == sender_id)
        self.rows_since = sa.select(sa.func.count(), sa.func.max(events.id)).where(
            events.sender_id == sender_id, events.id > sa.bindparam("since_row")
        )


def _continues_session(tracker: DialogueStateTracker, new_count: int) -> bool:
    """Whether `tracker`, its last `new_count` events just stored, is what a read of its latest
    session would give: none of them starts a session (a read would drop the older session's
    events) or is dated before the event it follows (a read selects the session by date)."""
    events = tracker.events
    start = len(events) - new_count
    previous = events[start - 1].timestamp if start > 0 else float("-inf")
    for event in itertools.islice(events, start, None):
        if isinstance(event, SessionStarted) or event.timestamp < previous:
            return False
        previous = event.timestamp
    return True


def inner_tracker_store(store: TrackerStore) -> TrackerStore:
    """The configured store inside Rasa's `FailSafeTrackerStore`/`AwaitableTrackerStore` wrappers."""
    while isinstance(getattr(store, "_tracker_store", None), TrackerStore):
        store = store._tracker_store  # type: ignore[attr-defined]
    return store
