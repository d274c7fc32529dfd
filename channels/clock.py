"""Injectable time for the channels: wall time for expiry, a monotonic timer and sleep for pacing."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """What channel code needs from time; tests pass a fake that advances instead of sleeping."""

    def time(self) -> float:
        """Seconds since the epoch (for expiry stored in a database)."""

    def monotonic(self) -> float:
        """A timer that never goes backwards (for pacing and backoff)."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` without blocking the event loop."""


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def monotonic(self) -> float:
        """The process's monotonic timer."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep on the running event loop."""
        await asyncio.sleep(max(0.0, seconds))
