"""A small key-value store whose entries expire: SQL (SQLite/PostgreSQL) or Redis, chosen by URL."""

from __future__ import annotations

from typing import Callable, Optional, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from channels.clock import Clock
from channels.sql_calls import run_sql
from channels.tables import ttl_entries

T = TypeVar("T")
PURGE_EVERY = 200

# Built once with bound parameters: SQLAlchemy then reuses each compiled statement by its memoized
# cache key instead of rebuilding and re-keying the expression for every webhook.
_KEY = sa.bindparam("key")
_NOW = sa.bindparam("now")
_LIVE_VALUE = sa.select(ttl_entries.c.value).where(
    ttl_entries.c.key == _KEY, ttl_entries.c.expires_at > _NOW
)
_DELETE_EXPIRED = sa.delete(ttl_entries).where(ttl_entries.c.expires_at <= _NOW)
_DELETE_EXPIRED_KEY = sa.delete(ttl_entries).where(
    ttl_entries.c.key == _KEY, ttl_entries.c.expires_at <= _NOW
)
_INSERT = sa.insert(ttl_entries)
_UPDATE = sa.update(ttl_entries).where(ttl_entries.c.key == sa.bindparam("entry_key"))


class StoreUnavailable(RuntimeError):
    """The store could not be reached; the caller should ask the platform to retry later."""


class TtlStore(Protocol):
    """Expiring entries shared by every Rasa instance that uses the same URL."""

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        """Store `key` only if it is absent (or expired); True when this call stored it."""

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        """Store or replace `key`."""

    async def get(self, key: str) -> Optional[str]:
        """The live value of `key`, or None."""

    async def close(self) -> None:
        """Release connections."""


class SqlTtlStore:
    """TTL entries in the `channel_ttl_entries` table (see `sql_calls` for where the work runs)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        """Use `engine` (tables must exist) and `clock` for expiry."""
        self._engine = engine
        self._clock = clock
        self._adds = 0

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        """Insert unless a live entry exists; the primary key makes this atomic across processes."""
        now = self._clock.time()
        self._adds += 1
        purge = self._adds % PURGE_EVERY == 0
        return await self._run(lambda: self._add(key, value, now, now + ttl_s, purge))

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        """Replace any entry for `key`."""
        expires_at = self._clock.time() + ttl_s
        await self._run(lambda: self._put(key, value, expires_at))

    async def get(self, key: str) -> Optional[str]:
        """Read a live entry."""
        now = self._clock.time()
        return await self._run(lambda: self._scalar(key, now))

    async def close(self) -> None:
        """Nothing to release: the engine belongs to the caller."""

    def _add(self, key: str, value: str, now: float, expires_at: float, purge: bool) -> bool:
        """A new key (a first delivery) costs one INSERT; only when the key is taken is an
        expired entry for it removed and the INSERT tried again, in a second transaction."""
        row = {"key": key, "value": value, "expires_at": expires_at}
        try:
            with self._engine.begin() as conn:
                if purge:
                    conn.execute(_DELETE_EXPIRED, {"now": now})
                conn.execute(_INSERT, row)
            return True
        except IntegrityError:
            pass
        try:
            with self._engine.begin() as conn:
                if conn.execute(_DELETE_EXPIRED_KEY, {"key": key, "now": now}).rowcount == 0:
                    return False
                conn.execute(_INSERT, row)
            return True
        except IntegrityError:
            return False

    def _put(self, key: str, value: str, expires_at: float) -> None:
        row = {"value": value, "expires_at": expires_at}
        for _ in range(2):
            try:
                with self._engine.begin() as conn:
                    updated = conn.execute(_UPDATE, {"entry_key": key, **row})
                    if updated.rowcount == 0:
                        conn.execute(_INSERT, {"key": key, **row})
                return
            except IntegrityError:
                continue

    def _scalar(self, key: str, now: float) -> Optional[str]:
        with self._engine.connect() as conn:
            return conn.execute(_LIVE_VALUE, {"key": key, "now": now}).scalar()

    async def _run(self, work: Callable[[], T]) -> T:
        try:
            return await run_sql(self._engine, work)
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"channel store unavailable: {exc.__class__.__name__}") from exc


class RedisTtlStore:
    """TTL entries as Redis keys with native expiry (SET NX PX)."""

    def __init__(self, url: str) -> None:
        """Connect lazily to the Redis server at `url` (redis:// or rediss://)."""
        import redis.asyncio as redis_asyncio

        self._redis = redis_asyncio.from_url(url)
        self._errors = (redis_asyncio.RedisError, OSError)

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        """SET NX: only the first caller across all instances wins."""
        try:
            return bool(await self._redis.set(key, value, nx=True, px=_millis(ttl_s)))
        except self._errors as exc:
            raise StoreUnavailable(f"redis unavailable: {exc.__class__.__name__}") from exc

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        """SET with expiry."""
        try:
            await self._redis.set(key, value, px=_millis(ttl_s))
        except self._errors as exc:
            raise StoreUnavailable(f"redis unavailable: {exc.__class__.__name__}") from exc

    async def get(self, key: str) -> Optional[str]:
        """GET, decoded as UTF-8."""
        try:
            raw = await self._redis.get(key)
        except self._errors as exc:
            raise StoreUnavailable(f"redis unavailable: {exc.__class__.__name__}") from exc
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.close()
        await self._redis.connection_pool.disconnect()


def open_ttl_store(url: str, sql_engine: Optional[Engine], clock: Clock) -> TtlStore:
    """A Redis store for redis:// URLs, otherwise a SQL store on `sql_engine`."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisTtlStore(url)
    if sql_engine is None:
        raise ValueError(f"A SQL engine is needed for the TTL store URL {url!r}.")
    return SqlTtlStore(sql_engine, clock)


def _millis(seconds: float) -> int:
    return max(1, int(seconds * 1000))
