"""Buttons over SMS: a numbered list out, and a reply of "1", "2"… (or a button's title) back to its payload."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence

from channels.ttl_store import TtlStore

_NUMBER_REPLY = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


def numbered_list(text: str, buttons: Sequence[Dict[str, Any]]) -> str:
    """`text` followed by the buttons as "1. Title" lines and how to answer."""
    lines = [f"{index}. {button.get('title', '')}" for index, button in enumerate(buttons, start=1)]
    return f"{text}\n\n" + "\n".join(lines) + "\n\nReply with a number."


class ButtonMemory:
    """The last buttons each number was offered, so a numbered reply can be understood."""

    def __init__(self, store: TtlStore, ttl_s: float) -> None:
        """Keep offers in `store` for `ttl_s` seconds."""
        self._store = store
        self._ttl_s = ttl_s

    async def remember(self, sender_id: str, buttons: Sequence[Dict[str, Any]]) -> None:
        """Remember the buttons just sent to `sender_id`."""
        offered = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload") or b.get("title", ""))}
            for b in buttons
        ]
        await self._store.put(self._key(sender_id), json.dumps(offered), self._ttl_s)

    async def forget(self, sender_id: str) -> None:
        """A message without buttons was sent: earlier numbers no longer mean a choice."""
        if await self.offered(sender_id):
            await self._store.put(self._key(sender_id), "[]", self._ttl_s)

    async def offered(self, sender_id: str) -> List[Dict[str, str]]:
        """The buttons of the live offer to `sender_id` (empty when there is none)."""
        raw = await self._store.get(self._key(sender_id))
        return json.loads(raw) if raw else []

    @staticmethod
    def _key(sender_id: str) -> str:
        return f"sms-buttons:{sender_id}"


def chosen_payload(offered: Sequence[Dict[str, str]], reply: str) -> Optional[str]:
    """The payload `reply` picks from `offered` ("2", "2.", "#2" or a title), or None."""
    if not offered:
        return None
    number = _NUMBER_REPLY.match(reply)
    if number:
        index = int(number.group(1)) - 1
        return offered[index]["payload"] if 0 <= index < len(offered) else None
    wanted = reply.strip().casefold()
    for button in offered:
        if button["title"].strip().casefold() == wanted:
            return button["payload"]
    return None
