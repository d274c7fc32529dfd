"""Drop platform re-deliveries: each delivery id is claimed once in a shared TTL store."""

from __future__ import annotations

from channels.ttl_store import TtlStore


class Deduplicator:
    """Remembers delivery ids (Telegram update_id, Slack event_id, Twilio MessageSid) for a while."""

    def __init__(self, store: TtlStore, ttl_s: float) -> None:
        """Claims live in `store` for `ttl_s` seconds, longer than any platform keeps retrying."""
        self._store = store
        self._ttl_s = ttl_s

    async def is_first_delivery(self, platform: str, delivery_id: str) -> bool:
        """True exactly once per (platform, delivery_id) across all instances sharing the store."""
        return await self._store.add(f"dedupe:{platform}:{delivery_id}", "1", self._ttl_s)
