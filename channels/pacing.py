"""Per-chat pacing: at most `rate_per_s` messages a second to one chat, with a small burst."""

from __future__ import annotations

from typing import Dict

from channels.clock import Clock

MAX_TRACKED_CHATS = 10_000


class ChatPacer:
    """Generic cell-rate pacing per chat key; waits preserve the order in which sends were asked."""

    def __init__(self, rate_per_s: float, burst: int, clock: Clock) -> None:
        """Allow `burst` messages at once, then one every 1/`rate_per_s` seconds, per chat."""
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("rate_per_s must be > 0 and burst >= 1")
        self._interval = 1.0 / rate_per_s
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._next_slot: Dict[str, float] = {}

    async def wait_turn(self, chat_key: str) -> None:
        """Reserve the next slot for `chat_key` and sleep until it comes."""
        now = self._clock.monotonic()
        slot = max(self._next_slot.get(chat_key, now), now)
        self._next_slot[chat_key] = slot + self._interval
        if len(self._next_slot) > MAX_TRACKED_CHATS:
            self._forget_idle(now)
        wait = slot - self._tolerance - now
        if wait > 0:
            await self._clock.sleep(wait)

    def _forget_idle(self, now: float) -> None:
        for key in [key for key, slot in self._next_slot.items() if slot <= now]:
            del self._next_slot[key]
