"""The lock store for one local Rasa instance: Rasa's in-memory ticket locks, re-checked every 10 ms.

Rasa's lock stores make a conversation's next message wait while its previous turn finishes, and
look again only once a second. Channel adapters send the replies before the turn has finished
saving, so a customer's quick follow-up often waited that whole second (13 of 240 turns in
bench/speed_bench.py took about 1.1 s). Waiting in 10 ms steps keeps the order and removes the
tail. Several instances need the Redis ticket lock store (`bot.server.lock_store`) instead.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncGenerator, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_POLL_SECONDS = 0.01


class QuickPollInMemoryLockStore(InMemoryLockStore):
    """In-memory ticket locks that a waiting message re-checks every `poll_seconds` (default 10 ms)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, poll_seconds: Optional[float] = None) -> None:
        """Read `poll_seconds` from the endpoint's settings (endpoints.yml) unless given."""
        super().__init__()
        configured = (endpoint_config.kwargs if endpoint_config else {}).get("poll_seconds")
        self.poll_seconds = float(poll_seconds or configured or DEFAULT_POLL_SECONDS)
        if self.poll_seconds <= 0:
            raise ValueError(f"lock_store poll_seconds must be positive, got {self.poll_seconds}")

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock for the conversation, waiting in `poll_seconds` steps instead of Rasa's."""
        async with super().lock(conversation_id, lock_lifetime, self.poll_seconds) as ticket_lock:
            yield ticket_lock
