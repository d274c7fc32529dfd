"""What every channel shares at run time (stores, clock, background tasks), built by one start-up call."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from sqlalchemy.engine import Engine

from bot.handoff.non_text_messages import NonTextRule
from bot.records.database import create_database_engine
from channels.background import BackgroundTasks
from channels.clock import Clock, SystemClock
from channels.dedupe import Deduplicator
from channels.delivery import Deliverer
from channels.failed_deliveries import FailedDeliveryLog
from channels.non_text_handover import HandoffPresence
from channels.pacing import ChatPacer
from channels.retry import RetryPolicy
from channels.settings import ChannelSettings, load_channel_settings
from channels.tables import create_channel_tables
from channels.ttl_store import TtlStore, open_ttl_store

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass
class ChannelRuntime:
    """Shared services of the channels in one process; create it with `ChannelRuntime.start`."""

    settings: ChannelSettings
    clock: Clock
    engine: Engine
    ttl_store: TtlStore
    dedupe: Deduplicator
    failures: FailedDeliveryLog
    background: BackgroundTasks
    non_text: NonTextRule

    @classmethod
    def start(
        cls, env: Optional[Mapping[str, str]] = None, clock: Optional[Clock] = None
    ) -> "ChannelRuntime":
        """Read settings from `env` (default: os.environ), open the stores and create their tables."""
        settings = load_channel_settings(os.environ if env is None else env)
        clock = clock or SystemClock()
        engine = create_database_engine(settings.database_url)
        create_channel_tables(engine)
        store_engine: Optional[Engine] = engine
        if settings.dedupe_url.startswith(REDIS_SCHEMES):
            store_engine = None
        elif settings.dedupe_url != settings.database_url:
            store_engine = create_database_engine(settings.dedupe_url)
            create_channel_tables(store_engine)
        ttl_store = open_ttl_store(settings.dedupe_url, store_engine, clock)
        return cls(
            settings=settings,
            clock=clock,
            engine=engine,
            ttl_store=ttl_store,
            dedupe=Deduplicator(ttl_store, settings.dedupe_ttl_s),
            failures=FailedDeliveryLog(engine, clock),
            background=BackgroundTasks(),
            non_text=NonTextRule(settings.non_text, ttl_store, HandoffPresence(engine)),
        )

    @property
    def retry_policy(self) -> RetryPolicy:
        """Retry budget from the settings."""
        return RetryPolicy(
            max_attempts=self.settings.send_max_attempts,
            base_delay_s=self.settings.send_backoff_s,
            max_delay_s=self.settings.send_backoff_max_s,
            max_retry_after_s=self.settings.retry_after_max_s,
        )

    def deliverer(
        self, channel: str, rate_per_s: Optional[float] = None, burst: int = 1
    ) -> Deliverer:
        """A deliverer for `channel`, paced per chat when `rate_per_s` is given."""
        pacer = ChatPacer(rate_per_s, burst, self.clock) if rate_per_s else None
        return Deliverer(channel, self.retry_policy, self.failures, self.clock, pacer)

    async def close(self) -> None:
        """Finish background work and release connections."""
        await self.background.drain()
        await self.ttl_store.close()
        self.engine.dispose()
