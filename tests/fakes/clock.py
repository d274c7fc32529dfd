"""A clock for tests: sleeping advances time instantly and is recorded."""

from __future__ import annotations

import asyncio
from typing import List


class FakeClock:
    """Implements `channels.clock.Clock`; `sleeps` lists every wait that was asked for."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        """Start at epoch second `start`."""
        self.now = start
        self.mono = 0.0
        self.sleeps: List[float] = []

    def time(self) -> float:
        """Current fake epoch seconds."""
        return self.now

    def monotonic(self) -> float:
        """Current fake monotonic seconds."""
        return self.mono

    async def sleep(self, seconds: float) -> None:
        """Record the wait and jump ahead by it."""
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self.now += seconds
        self.mono += seconds
