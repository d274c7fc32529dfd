"""Button payloads as Telegram callback data, which is limited to 64 bytes."""

from __future__ import annotations

import hashlib
from typing import Optional

from channels.ttl_store import TtlStore

MAX_CALLBACK_BYTES = 64
STORED_PREFIX = "p:"


class CallbackData:
    """Short payloads travel as they are; longer ones are kept in the TTL store under a digest."""

    def __init__(self, store: TtlStore, ttl_s: float) -> None:
        """Keep long payloads in `store` for `ttl_s` seconds."""
        self._store = store
        self._ttl_s = ttl_s

    async def encode(self, payload: str) -> str:
        """Callback data for `payload`."""
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(STORED_PREFIX):
            return payload
        token = STORED_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        await self._store.put(self._key(token), payload, self._ttl_s)
        return token

    async def decode(self, data: str) -> Optional[str]:
        """The payload behind callback `data`, or None when a stored one has expired."""
        if not data.startswith(STORED_PREFIX):
            return data
        return await self._store.get(self._key(data))

    @staticmethod
    def _key(token: str) -> str:
        return f"telegram-button:{token}"
