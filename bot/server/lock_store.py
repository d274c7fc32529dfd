"""A Redis lock store that stays correct when several Rasa instances share one Redis.

Rasa 3.6's `RedisLockStore` reads a conversation's ticket lock, changes it in Python and writes
it back; two instances doing that at once both get the same ticket, or one erases the other's
(RasaHQ/rasa#9213). Here every step is one Lua script, so Redis runs it atomically:

- a conversation's waiting messages are a sorted set, ordered by ticket number (first come,
  first served, across instances);
- each ticket also has a key with an expiry that its owner renews while it waits or works, so a
  crashed instance's ticket lapses after `lock_lifetime` seconds and the queue moves on, while a
  slow but live one keeps its turn.

Configured in endpoints (`lock_store: type: bot.server.lock_store.RedisTicketLockStore`, `url:
redis://...`); docs/deploy.md explains the choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Whose turn it is, after dropping lapsed tickets ahead of ARGV[1]: 1 = its turn, 0 = wait, -1 = lost.
HEAD_OF_QUEUE = """
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #head == 0 then return -1 end
  if head[1] == ARGV[1] then return 1 end
  if redis.call('EXISTS', KEYS[2] .. head[1]) == 1 then return 0 end
  redis.call('ZREM', KEYS[1], head[1])
end
"""

# Queues the ticket (idempotent per token, so a retried call after a dropped connection does not
# queue twice) and answers whether it is already its turn: one round trip for an uncontended lock.
ISSUE_SCRIPT = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local number = 1
  if #last > 0 then number = tonumber(last[2]) + 1 end
  redis.call('ZADD', KEYS[1], number, ARGV[1])
end
redis.call('SET', KEYS[2] .. ARGV[1], '1', 'PX', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
""" + HEAD_OF_QUEUE

# Renews the caller's ticket (lost if it lapsed), then answers as HEAD_OF_QUEUE does.
TURN_SCRIPT = """
if redis.call('PEXPIRE', KEYS[2] .. ARGV[1], ARGV[2]) == 0 then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
""" + HEAD_OF_QUEUE

RELEASE_SCRIPT = """
redis.call('DEL', KEYS[2] .. ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""

YOUR_TURN, WAIT, LOST = 1, 0, -1
MAX_REJOINS = 3


@dataclass(frozen=True)
class LockSettings:
    """Timings of the lock: ticket lifetime, how often waiters look, how long Redis may be away."""

    lock_lifetime: float = float(LOCK_LIFETIME)
    poll_interval: float = 0.005
    poll_interval_max: float = 0.05
    redis_retry_seconds: float = 10.0
    socket_timeout: float = 5.0


class RedisTicketLockStore(LockStore):
    """First-come-first-served conversation locks in Redis, atomic across Rasa instances."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        url: Optional[str] = None,
        key_prefix: str = "brightway",
        settings: Optional[LockSettings] = None,
    ) -> None:
        """Connect (lazily) to `url` or the endpoint's `url`; timings from the endpoint's keys."""
        import redis.asyncio as redis_asyncio

        options = dict(endpoint_config.kwargs) if endpoint_config is not None else {}
        url = url or (endpoint_config.url if endpoint_config is not None else None)
        if not url:
            raise ValueError(
                "lock_store needs `url: redis://host:port/db` in endpoints (see docs/deploy.md)."
            )
        self.settings = settings or _settings_from(options)
        self.key_prefix = f"{options.get('key_prefix', key_prefix)}:lock:"
        self._redis = redis_asyncio.from_url(
            url, socket_timeout=self.settings.socket_timeout,
            socket_connect_timeout=self.settings.socket_timeout,
        )
        self._errors = (redis_asyncio.RedisError, OSError)
        self._issue = self._redis.register_script(ISSUE_SCRIPT)
        self._turn = self._redis.register_script(TURN_SCRIPT)
        self._release = self._redis.register_script(RELEASE_SCRIPT)
        self.lost_locks = 0
        self.rejoins = 0
        super().__init__()

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Wait for this conversation's turn, hold it while the body runs, then pass it on.

        Rasa's `lock_lifetime`/`wait_time_in_seconds` arguments give way to the endpoint settings.
        """
        token = secrets.token_hex(8)
        keys = self._keys(conversation_id)
        try:
            await self._wait_for_turn(conversation_id, token, keys)
        except BaseException:
            await self._pass_on(token, keys)
            raise
        renewal = asyncio.ensure_future(self._keep_alive(token, keys))
        try:
            yield TicketLock(conversation_id)
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            await self._pass_on(token, keys)

    async def ping(self) -> bool:
        """True when Redis answers (for readiness)."""
        try:
            return bool(await self._redis.ping())
        except self._errors:
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.close()
        await self._redis.connection_pool.disconnect()

    def _keys(self, conversation_id: str) -> List[str]:
        base = f"{self.key_prefix}{{{conversation_id}}}"
        return [f"{base}:queue", f"{base}:ticket:"]

    def _expiries(self) -> List[int]:
        lifetime_ms = max(1, int(self.settings.lock_lifetime * 1000))
        return [lifetime_ms, lifetime_ms * 2 + 60_000]

    async def _wait_for_turn(self, conversation_id: str, token: str, keys: List[str]) -> None:
        """Take a ticket (which says whether it is first in line), then poll, backing off, until it is."""
        for _ in range(MAX_REJOINS + 1):
            state = await self._call(lambda: self._issue(keys=keys, args=[token, *self._expiries()]))
            delay = self.settings.poll_interval
            while state == WAIT:
                await asyncio.sleep(delay)
                delay = min(delay * 1.5, self.settings.poll_interval_max)
                state = await self._call(lambda: self._turn(keys=keys, args=[token, *self._expiries()]))
            if state == YOUR_TURN:
                return
            self.rejoins += 1
            logger.warning(
                "lock_store.ticket_lapsed: a waiting message's ticket was gone (Redis restarted, or "
                "this instance stalled longer than lock_lifetime); it queues again (rejoins: %d)",
                self.rejoins,
            )
        raise LockError(
            f"Could not get the lock for conversation '{conversation_id}': its ticket lapsed "
            f"{MAX_REJOINS + 1} times; the message was not processed."
        )

    async def _keep_alive(self, token: str, keys: List[str]) -> None:
        """Renew the ticket while the conversation is being worked on."""
        while True:
            await asyncio.sleep(self.settings.lock_lifetime / 3)
            try:
                state = await self._turn(keys=keys, args=[token, *self._expiries()])
            except self._errors as error:
                logger.warning("lock_store.renew_failed error=%s", type(error).__name__)
                continue
            if state != YOUR_TURN:
                self.lost_locks += 1
                logger.error(
                    "lock_store.lock_lost: a conversation's lock lapsed while it was being processed; "
                    "another instance may now process the same conversation (lost so far: %d)",
                    self.lost_locks,
                )
                return

    async def _pass_on(self, token: str, keys: List[str]) -> None:
        """Give the turn to the next ticket; if Redis is away, the ticket simply lapses."""
        try:
            await self._release(keys=keys, args=[token])
        except self._errors as error:
            logger.warning(
                "lock_store.release_failed error=%s; the ticket lapses after %.0f s",
                type(error).__name__, self.settings.lock_lifetime,
            )

    async def _call(self, command: Callable[[], Awaitable[T]]) -> T:
        """Run a Redis command, retrying while Redis is unreachable for up to `redis_retry_seconds`."""
        deadline = time.monotonic() + self.settings.redis_retry_seconds
        delay = 0.05
        while True:
            try:
                return await command()
            except self._errors as error:
                if time.monotonic() + delay > deadline:
                    raise LockError(
                        f"Redis for the lock store is unreachable ({type(error).__name__}); "
                        "the message was not processed. Check the lock_store url in endpoints."
                    ) from error
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)


def _settings_from(options: Dict[str, Any]) -> LockSettings:
    """Lock timings from endpoint keys, with Rasa's TICKET_LOCK_LIFETIME as the default lifetime."""
    values: Dict[str, float] = {}
    for name in ("lock_lifetime", "poll_interval", "poll_interval_max", "redis_retry_seconds", "socket_timeout"):
        if options.get(name) is not None:
            number = float(options[name])
            if number <= 0:
                raise ValueError(f"lock_store.{name} must be greater than 0, got {number}.")
            values[name] = number
    return replace(LockSettings(), **values)
