"""Rasa's SQL tracker store with its failures made loud instead of silent.

Rasa wraps every tracker store in `FailSafeTrackerStore`: a failed save goes to memory and a
failed read starts the conversation afresh, each with one log line and nothing else. Here a
failing database call is first retried for a few seconds (a PostgreSQL restart or fail-over);
if it still fails it is logged as an error, counted in `failures` and reported by readiness
(`bot/server/health.py`), and a conversation whose history could not be read is never saved over.

Configured in endpoints: `tracker_store: type: bot.server.tracker_store.LoudSQLTrackerStore` with the
same keys as Rasa's `SQL` store (`url` may be a full `postgresql://` URL) plus `retry_seconds`.
On SQLite (the local default) it also writes in WAL mode through a pooled connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, Optional, Set, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import exc as sa_exc

from bot.records.database import create_sqlite_engine_for_small_writes, sqlite_file_path

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

    def __init__(self, retry_seconds: float = 5.0, **kwargs: Any) -> None:
        """Accept Rasa's `SQL` tracker store keys plus `retry_seconds` (how long to ride out errors).

        On a SQLite file, Rasa's engine is replaced by a pooled one in WAL mode: Rasa's opens the
        file again and syncs it to disk for every save, several milliseconds of each bot turn.
        """
        super().__init__(**kwargs)
        self.retry_seconds = float(retry_seconds)
        self.failures = StoreFailures()
        self._unread: Set[str] = set()
        url = str(self.engine.url)
        if sqlite_file_path(url) is not None:
            self.engine.dispose()
            self.engine = create_sqlite_engine_for_small_writes(url, future=False)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """Read the latest session; a failure marks the conversation so it is not saved over."""
        parent = super(LoudSQLTrackerStore, self).retrieve
        return await self._read("retrieve", sender_id, lambda: parent(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        """Read every session of the conversation, with the same care as `retrieve`."""
        parent = super(LoudSQLTrackerStore, self).retrieve_full_tracker
        return await self._read("retrieve_full_tracker", conversation_id, lambda: parent(conversation_id))

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
        parent = super(LoudSQLTrackerStore, self).save
        await self._with_retries("save", lambda: parent(tracker))

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

    async def _read(
        self, operation: str, conversation_id: str, read: Callable[[], Awaitable[Optional[DialogueStateTracker]]]
    ) -> Optional[DialogueStateTracker]:
        try:
            tracker = await self._with_retries(operation, read)
        except Exception:
            self._unread.add(conversation_id)
            raise
        self._unread.discard(conversation_id)
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


def inner_tracker_store(store: TrackerStore) -> TrackerStore:
    """The configured store inside Rasa's `FailSafeTrackerStore`/`AwaitableTrackerStore` wrappers."""
    while isinstance(getattr(store, "_tracker_store", None), TrackerStore):
        store = store._tracker_store  # type: ignore[attr-defined]
    return store
